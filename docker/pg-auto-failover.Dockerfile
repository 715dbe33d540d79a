# The cluster profile's PostgreSQL (docker-compose.yml): PostgreSQL 15, the same major version as
# the single node's postgres:15, with pg_auto_failover's postgresql-15-auto-failover package (the
# name `npm run cluster` and the tests install on Debian 12; here from the image's apt sources,
# Debian 12's and the PostgreSQL project's repository the image adds). One image for the monitor and the nodes;
# docker/pg-auto-failover/entrypoint.sh creates each on its first start and runs it.
FROM postgres:15-bookworm
# openssl: pg_autoctl makes the self-signed certificates (--ssl-self-signed) with it.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql-15-auto-failover openssl \
 && rm -rf /var/lib/apt/lists/*
COPY docker/pg-auto-failover/entrypoint.sh /usr/local/bin/pg-auto-failover-entrypoint.sh
# The entrypoint drops to the postgres user itself (setpriv), after preparing the volume as root.
ENTRYPOINT ["/usr/local/bin/pg-auto-failover-entrypoint.sh"]
