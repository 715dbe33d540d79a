import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { Controller, Get, Inject, NotFoundException, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { DestinationPolicy } from '../../cascades/domain/allowed-destinations';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { isLanguage, LANGUAGE_NAMES, LANGUAGES } from '../../languages';
import { DEFAULT_COUNTRY, LABEL_MAX_LENGTH, MAX_CASCADE_NUMBERS } from '../domain/cascade-numbers';

/**
 * The parents' web UI at `/`: plain static files from apps/server/src/portal/web, ES modules with
 * no build step, no CDN. Only the files listed here are served (a fixed allow-list, so no path from
 * the request ever reaches the file system): the page, app.js, app.css, the i18n files of the
 * languages, the modules under js/ (listed once at start-up), and two modules made here so that
 * the page keeps no copy of the server's facts: /languages.js (apps/server/src/languages.ts) and
 * /cascade-rules.js (a cascade's limits from domain/cascade-numbers.ts, the countries the
 * deployment dials from the configuration). The directory is found relative to this file, both
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

/** The page's modules: every .js file under web/js, by its path there (`screens/sign-in.js`). */
function moduleFiles(dir: string): Set<string> {
  const root = resolve(dir, 'js');
  const walk = (folder: string): string[] =>
    readdirSync(folder, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? walk(resolve(folder, entry.name)) : entry.name.endsWith('.js') ? [relative(root, resolve(folder, entry.name))] : []));
  return new Set(walk(root));
}

/** /languages.js: the languages as an ES module for the page. */
const LANGUAGES_MODULE = Buffer.from(
  `// The languages the service speaks (apps/server/src/languages.ts), for the page.\nexport const LANGUAGES = ${JSON.stringify(LANGUAGES)};\nexport const LANGUAGE_NAMES = ${JSON.stringify(LANGUAGE_NAMES)};\n`,
);

/**
 * /cascade-rules.js: what the cascade editor must know of the list's rules, as an ES module for the
 * page: how many numbers, a label's length, the country a number belongs to when none is chosen,
 * and the countries whose numbers the service dials (the editor's country choices).
 */
function cascadeRulesModule(destinations: DestinationPolicy): Buffer {
  return Buffer.from(
    [
      '// The rules of a cascade\'s list (apps/server/src/portal/domain/cascade-numbers.ts) and the countries this deployment dials, for the page.',
      `export const MAX_NUMBERS = ${JSON.stringify(MAX_CASCADE_NUMBERS)};`,
      `export const LABEL_MAX_LENGTH = ${JSON.stringify(LABEL_MAX_LENGTH)};`,
      `export const DEFAULT_COUNTRY = ${JSON.stringify(DEFAULT_COUNTRY)};`,
      `export const COUNTRIES = ${JSON.stringify(destinations.countries)};`,
      '',
    ].join('\n'),
  );
}

const TYPES = { html: 'text/html; charset=utf-8', js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8', json: 'application/json; charset=utf-8' } as const;

@Controller()
export class WebController {
  private readonly dir = webDirectory();
  private readonly modules = moduleFiles(this.dir);
  private readonly cache = new Map<string, Buffer>();
  private readonly cascadeRules: Buffer;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.cascadeRules = cascadeRulesModule(config.limits.destinations);
  }

  private file(name: string): Buffer {
    let content = this.cache.get(name);
    if (!content) {
      content = readFileSync(resolve(this.dir, name));
      this.cache.set(name, content);
    }
    return content;
  }

  private send(reply: FastifyReply, content: Buffer, type: keyof typeof TYPES): void {
    void reply.header('Content-Type', TYPES[type]).header('Cache-Control', 'no-cache').send(content);
  }

  /** The page itself, also at the paths of the links we mail (verify-email, reset-password) and of the terms and privacy pages. */
  @Get(['', 'verify-email', 'reset-password', 'terms', 'privacy'])
  index(@Res() reply: FastifyReply): void {
    this.send(reply, this.file('index.html'), 'html');
  }

  @Get('app.js')
  script(@Res() reply: FastifyReply): void {
    this.send(reply, this.file('app.js'), 'js');
  }

  @Get(['js/:file', 'js/:folder/:file'])
  module(@Param('folder') folder: string | undefined, @Param('file') file: string, @Res() reply: FastifyReply): void {
    const path = folder === undefined ? file : `${folder}/${file}`;
    if (!this.modules.has(path)) throw new NotFoundException();
    this.send(reply, this.file(`js/${path}`), 'js');
  }

  @Get('languages.js')
  languages(@Res() reply: FastifyReply): void {
    this.send(reply, LANGUAGES_MODULE, 'js');
  }

  @Get('cascade-rules.js')
  rules(@Res() reply: FastifyReply): void {
    this.send(reply, this.cascadeRules, 'js');
  }

  @Get('app.css')
  style(@Res() reply: FastifyReply): void {
    this.send(reply, this.file('app.css'), 'css');
  }

  @Get('i18n/:file')
  messages(@Param('file') file: string, @Res() reply: FastifyReply): void {
    const match = /^([a-z]{2})\.json$/.exec(file);
    if (!match || !isLanguage(match[1])) throw new NotFoundException();
    this.send(reply, this.file(`i18n/${match[1]}.json`), 'json');
  }
}
