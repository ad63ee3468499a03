-- The Iris classifier of the registry topic iris-models, in SQL, on the flowers the producer wrote to iris-in;
-- predictions to iris-out. docs/sql.md says how to set it up (./run-local.sh --kafka-only, train, publish, produce):
--   scripts/sql-client.sh -f sql/examples/iris.sql
-- Bounded (the topic as it is now) so that the script ends; without 'scan.bounded.mode' and on a cluster
-- (scripts/sql-client.sh --cluster), the INSERT runs on as flowers arrive.
SET 'sql-client.execution.result-mode' = 'tableau';
SET 'table.dml-sync' = 'true';

-- what the producer writes: {"id": ..., "key": ..., "timestamp": ..., "features": {...}, "label": ...}
CREATE TABLE flowers (
  id STRING,
  features ROW<sepal_length DOUBLE, sepal_width DOUBLE, petal_length DOUBLE, petal_width DOUBLE>,
  label STRING
) WITH ('connector' = 'kafka', 'topic' = 'iris-in', 'properties.bootstrap.servers' = '127.0.0.1:9092',
        'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset',
        'format' = 'json', 'json.ignore-parse-errors' = 'true');

-- DESCRIPTOR names top-level columns: the features come out of their row
CREATE TEMPORARY VIEW measurements AS
SELECT id, label, features.sepal_length AS sepal_length, features.sepal_width AS sepal_width,
       features.petal_length AS petal_length, features.petal_width AS petal_width
FROM flowers;

CREATE TABLE predictions (id STRING, label STRING, species STRING, probability DOUBLE, model_version STRING)
  WITH ('connector' = 'kafka', 'topic' = 'iris-out', 'properties.bootstrap.servers' = '127.0.0.1:9092',
        'format' = 'json');

CREATE MODEL iris_species
  INPUT (sepal_length DOUBLE, sepal_width DOUBLE, petal_length DOUBLE, petal_width DOUBLE)
  OUTPUT (species STRING, probability DOUBLE, model_version STRING)
  WITH ('provider' = 'stream-predict', 'registry.topic' = 'iris-models',
        'properties.bootstrap.servers' = '127.0.0.1:9092', 'version' = 'stable');

INSERT INTO predictions
SELECT id, label, species, probability, model_version
FROM ML_PREDICT(TABLE measurements, MODEL iris_species,
                DESCRIPTOR(sepal_length, sepal_width, petal_length, petal_width),
                MAP['max-concurrent-operations', '128']);

-- how often the model agrees with the label, over what it just wrote (in batch: one answer, not a changelog)
SET 'execution.runtime-mode' = 'batch';
CREATE TABLE written (species STRING, label STRING)
  WITH ('connector' = 'kafka', 'topic' = 'iris-out', 'properties.bootstrap.servers' = '127.0.0.1:9092',
        'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset', 'format' = 'json');
SELECT COUNT(*) AS flowers, SUM(CASE WHEN species = label THEN 1 ELSE 0 END) AS agreed FROM written;
