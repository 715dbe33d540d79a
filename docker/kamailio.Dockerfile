# The cluster profile's SIP entry (docker-compose.yml): Kamailio 5.6 from Debian 12's packages
# (kamailio-utils-modules brings http_client), as docs/scaling.md and the tests run it. Its
# configuration is rendered at start from kamailio-config/ and the KAMAILIO_* variables by the
# app's own renderer (apps/server/src/telephony/kamailio-config), as `npm run cluster` does.
FROM node:20-bookworm-slim
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends kamailio kamailio-utils-modules \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/alloparents
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
RUN npm ci --no-audit --no-fund
COPY apps ./apps
COPY kamailio-config ./kamailio-config
RUN npx tsc -p tsconfig.build.json && npm prune --omit=dev
# Render (a bad KAMAILIO_* value stops here, naming the variable), check, then run in the foreground
# with the log on stderr (docker logs).
CMD set -e; \
    node dist/apps/server/src/cli/render-kamailio-config.js /run/alloparents-kamailio; \
    kamailio -c -f /run/alloparents-kamailio/kamailio.cfg; \
    exec kamailio -DD -E -f /run/alloparents-kamailio/kamailio.cfg
