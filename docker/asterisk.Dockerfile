# Asterisk 22 from Debian testing (forky), configured from asterisk-config/ at start-up.
FROM debian:forky-slim
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends asterisk asterisk-modules espeak-ng sox nodejs npm ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/alloparents
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
RUN npm ci --no-audit --no-fund
COPY apps ./apps
COPY asterisk-config ./asterisk-config
COPY prompts ./prompts
RUN npx tsc -p tsconfig.build.json
# Renders the configuration from the environment (same code as the chroot set-up), renders the
# prompts, then runs Asterisk in the foreground.
CMD set -e; mkdir -p /srv/alloparents/service/etc; \
    node dist/apps/server/src/cli/render-asterisk-config.js asterisk-config/service /srv/alloparents/service/etc /srv/alloparents/service; \
    node dist/apps/server/src/cli/render-prompts.js prompts /usr/share/asterisk/sounds; \
    exec asterisk -C /srv/alloparents/service/etc/asterisk.conf -f -n
