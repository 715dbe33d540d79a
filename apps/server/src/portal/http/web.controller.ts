import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Controller, Get, NotFoundException, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';

/**
 * The parents' web UI at `/` (issue 5): plain static files from apps/server/src/portal/web, no
 * build step, no CDN. Only the files listed here are served (a fixed allow-list, so no path from
 * the request ever reaches the file system). The directory is found relative to this file, both
 * from the TypeScript sources (ts-node/jest: portal/http → portal/web) and from the compiled
 * dist/apps/server/src/portal/http (tsc does not copy the files: back up to the repo root and into
 * the sources), so it does not depend on the working directory.
 */
export function webDirectory(): string {
  const candidates = [resolve(__dirname, '..', 'web'), resolve(__dirname, '..', '..', '..', '..', '..', '..', 'apps', 'server', 'src', 'portal', 'web')];
  const found = candidates.find((dir) => existsSync(resolve(dir, 'index.html')));
  if (!found) throw new Error(`the portal's web files are missing (looked in ${candidates.join(', ')})`);
  return found;
}

const LANGUAGES = new Set(['fr', 'nl', 'de', 'en']);
const TYPES = { html: 'text/html; charset=utf-8', js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8', json: 'application/json; charset=utf-8' } as const;

@Controller()
export class WebController {
  private readonly dir = webDirectory();
  private readonly cache = new Map<string, Buffer>();

  private file(name: string): Buffer {
    let content = this.cache.get(name);
    if (!content) {
      content = readFileSync(resolve(this.dir, name));
      this.cache.set(name, content);
    }
    return content;
  }

  private send(reply: FastifyReply, name: string, type: keyof typeof TYPES): void {
    void reply.header('Content-Type', TYPES[type]).header('Cache-Control', 'no-cache').send(this.file(name));
  }

  /** The page itself, also at the paths of the links we mail (verify-email, reset-password) and of the terms and privacy pages. */
  @Get(['', 'verify-email', 'reset-password', 'terms', 'privacy'])
  index(@Res() reply: FastifyReply): void {
    this.send(reply, 'index.html', 'html');
  }

  @Get('app.js')
  script(@Res() reply: FastifyReply): void {
    this.send(reply, 'app.js', 'js');
  }

  @Get('app.css')
  style(@Res() reply: FastifyReply): void {
    this.send(reply, 'app.css', 'css');
  }

  @Get('i18n/:file')
  messages(@Param('file') file: string, @Res() reply: FastifyReply): void {
    const match = /^([a-z]{2})\.json$/.exec(file);
    if (!match || !LANGUAGES.has(match[1])) throw new NotFoundException();
    this.send(reply, `i18n/${match[1]}.json`, 'json');
  }
}
