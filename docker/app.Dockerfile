FROM node:20-bookworm-slim
# espeak-ng + sox speak the child's first name to the parents.
RUN apt-get update && apt-get install -y --no-install-recommends espeak-ng sox && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/alloparents
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
RUN npm ci --no-audit --no-fund
COPY apps ./apps
RUN npx tsc -p tsconfig.build.json && npm prune --omit=dev
USER node
CMD ["sh", "-c", "node dist/apps/server/src/cli/migrate.js && exec node dist/apps/server/src/main.js"]
