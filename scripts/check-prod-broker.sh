#!/usr/bin/env bash
# Runs the standalone ActiveMQ Artemis 2.40.0 distribution (the broker the deployment runs) with deploy/'s prod
# broker configuration — broker.xml with the catalogue's security settings, the AMQPS-only acceptors.xml read as PEM
# through tls.pemcfg, artemis-roles.properties — and tries the accounts with Qpid Proton over verified TLS: what a role
# may do is allowed, the rest is refused, and plain AMQP gets nowhere. Not part of ./mvnw verify (it downloads the
# distribution with Maven and needs root for /var/lib/artemis-instance, the path the manifests use).
# Needs: openssl, python3-qpid-proton (apt-get install python3-qpid-proton).
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
deploy=$PWD/deploy
port=25671
mvn -q dependency:copy -Dartifact=org.apache.activemq:apache-artemis:2.40.0:tar.gz:bin -DoutputDirectory="$work"
tar xzf "$work"/apache-artemis-2.40.0-bin.tar.gz -C "$work"

mkdir "$work/certs" && cd "$work/certs"
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 -subj /CN=check-ca \
  -addext basicConstraints=critical,CA:TRUE 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout tls.key -out tls.csr -subj /CN=localhost 2>/dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' > ext
openssl x509 -req -in tls.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out tls.crt -days 2 -extfile ext 2>/dev/null
cd "$work"

./apache-artemis-2.40.0/bin/artemis create instance --user unused --password unused --require-login --silent \
  --no-autotune > /dev/null
etc=$work/instance/etc
cp "$deploy/base/artemis/broker.xml" "$deploy/base/artemis/artemis-roles.properties" "$etc/"
sed -e "s#0.0.0.0:5671#127.0.0.1:$port#" -e "s#0.0.0.0:61616#127.0.0.1:25616#" "$deploy/overlays/prod/acceptors.xml" > "$etc/acceptors.xml"
sed "s#/var/lib/artemis-instance/tls/#$work/certs/#" "$deploy/overlays/prod/tls.pemcfg" > "$etc/tls.pemcfg"
sed "s#/var/lib/artemis-instance/tls/#$work/certs/#" "$deploy/overlays/prod/connectors.xml" > "$etc/connectors.xml"
# One broker, not the pair (FailoverIT tries the pair): broker.xml includes the role named in ARTEMIS_HA_ROLE.
echo '<ha-policy xmlns="urn:activemq:core"><primary-only/></ha-policy>' > "$etc/ha-alone.xml"
export ARTEMIS_HA_ROLE=alone ARTEMIS_SELF=localhost:25616 ARTEMIS_PEER=localhost:25617 ARTEMIS_CLUSTER_PASSWORD=check
for user in trigger saga payment inventory shipping producer operator; do echo "$user=pw-$user"; done > "$etc/artemis-users.properties"
sed -i "s#>data/#>$work/instance/data/#" "$etc/broker.xml"
# broker.xml includes the acceptors from where the StatefulSet mounts them.
mkdir -p /var/lib/artemis-instance
ln -sfn "$etc" /var/lib/artemis-instance/etc-override

./instance/bin/artemis run > "$work/broker.log" 2>&1 &
broker=$!
trap 'kill $broker; rm -f /var/lib/artemis-instance/etc-override' EXIT
for _ in $(seq 1 60); do grep -q AMQ221007 "$work/broker.log" && break; sleep 1; done
grep -q "AMQ221020.*:$port" "$work/broker.log" || { echo "the AMQPS acceptor did not start; see $work/broker.log" >&2; exit 1; }

cd "$deploy/.."
/usr/bin/python3 scripts/prod-broker-client.py "amqps://localhost:$port" payment "$work/certs/ca.crt" | tee "$work/results"
/usr/bin/python3 scripts/prod-broker-client.py "amqps://localhost:$port" producer "$work/certs/ca.crt" | tee -a "$work/results"
/usr/bin/python3 scripts/prod-broker-client.py "amqp://localhost:$port" plain "$work/certs/ca.crt" | tee -a "$work/results"
expected='payment consumes its own queue ALLOWED
payment consumes saga queue REFUSED
payment sends payment.processed ALLOWED
payment sends order.completed REFUSED
producer sends order.placed ALLOWED
producer sends payment.processed REFUSED
plain AMQP to the AMQPS port REFUSED'
diff <(echo "$expected") <(sed -E 's/ (ALLOWED|REFUSED).*/ \1/' "$work/results") && echo "prod broker configuration: OK"
