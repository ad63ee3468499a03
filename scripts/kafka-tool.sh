#!/usr/bin/env bash
# Kafka's own command line tools, from the jars Maven resolved, with no Kafka installation:
#   scripts/kafka-tool.sh console-consumer --bootstrap-server 127.0.0.1:9092 --topic predictions
#   scripts/kafka-tool.sh console-consumer --bootstrap-server 127.0.0.1:9092 --topic input-data-dlq \
#       --from-beginning --formatter-property print.headers=true
#   scripts/kafka-tool.sh topics --bootstrap-server 127.0.0.1:9092 --describe
#   scripts/kafka-tool.sh consumer-groups --bootstrap-server 127.0.0.1:9092 --describe --group stream-predict
set -euo pipefail
cd "$(dirname "$0")/.."
tool="${1:-}"
case "$tool" in
  console-consumer) main=org.apache.kafka.tools.consumer.ConsoleConsumer ;;
  console-producer) main=org.apache.kafka.tools.ConsoleProducer ;;
  topics) main=org.apache.kafka.tools.TopicCommand ;;
  consumer-groups) main=org.apache.kafka.tools.consumer.group.ConsumerGroupCommand ;;
  offsets) main=org.apache.kafka.tools.GetOffsetShell ;;
  *) echo "usage: $0 console-consumer|console-producer|topics|consumer-groups|offsets [tool options]" >&2; exit 2 ;;
esac
shift
classpath_file=kafka-local/target/classes/kafka-broker.classpath
if [ ! -f "$classpath_file" ]; then
  scripts/build.sh package -pl kafka-local -am
fi
exec java -Dlog4j2.configurationFile=classpath:kafka-tools-log4j2.properties \
  -cp "kafka-local/target/classes:$(cat "$classpath_file")" "$main" "$@"
