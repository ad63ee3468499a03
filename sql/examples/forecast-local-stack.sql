-- A forecast in SQL of what ./run-local.sh streams: the S&P 500 closes on input-data, forecast by the registry's
-- stable model from each key's last 16 closes (its window), beside the DataStream job's predictions.
--   scripts/sql-client.sh -f sql/examples/forecast-local-stack.sql
SET 'sql-client.execution.result-mode' = 'tableau';

CREATE TABLE inputs (
  id STRING,
  `key` STRING,
  `timestamp` BIGINT,
  features ROW<`close` DOUBLE>,
  ts AS TO_TIMESTAMP_LTZ(`timestamp`, 3),
  WATERMARK FOR ts AS ts
) WITH ('connector' = 'kafka', 'topic' = 'input-data', 'properties.bootstrap.servers' = '127.0.0.1:9092',
        'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset', 'format' = 'json');

-- the window as the model reads it: the key's last 16 closes, oldest first
CREATE TEMPORARY VIEW windows AS
SELECT id, `key`, features.`close` AS `close`,
       ARRAY_AGG(features.`close`) OVER (PARTITION BY `key` ORDER BY ts
                                         ROWS BETWEEN 15 PRECEDING AND CURRENT ROW) AS recent
FROM inputs;

CREATE MODEL close_forecast
  INPUT (recent ARRAY<DOUBLE>)
  OUTPUT (forecast DOUBLE, model_version STRING)
  WITH ('provider' = 'stream-predict', 'registry.topic' = 'models',
        'properties.bootstrap.servers' = '127.0.0.1:9092', 'version' = 'stable');

SELECT id, `close`, forecast, model_version
FROM ML_PREDICT(TABLE windows, MODEL close_forecast, DESCRIPTOR(recent))
LIMIT 10;
