import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Controller, Get, NotFoundException, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { webDirectory } from './web.controller';

const TYPES = { html: 'text/html; charset=utf-8', js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8', png: 'image/png' } as const;

/** The files the page uses: ours (the page and its start script) and Swagger UI's, from the swagger-ui-dist package. */
function files(): Map<string, { path: string; type: keyof typeof TYPES }> {
  const web = webDirectory();
  const dist = dirname(require.resolve('swagger-ui-dist/package.json'));
  return new Map([
    ['', { path: resolve(web, 'api-docs.html'), type: 'html' }],
    ['init.js', { path: resolve(web, 'api-docs.js'), type: 'js' }],
    ['swagger-ui.css', { path: resolve(dist, 'swagger-ui.css'), type: 'css' }],
    ['swagger-ui-bundle.js', { path: resolve(dist, 'swagger-ui-bundle.js'), type: 'js' }],
    ['swagger-ui-standalone-preset.js', { path: resolve(dist, 'swagger-ui-standalone-preset.js'), type: 'js' }],
    ['favicon-32x32.png', { path: resolve(dist, 'favicon-32x32.png'), type: 'png' }],
    ['favicon-16x16.png', { path: resolve(dist, 'favicon-16x16.png'), type: 'png' }],
  ]);
}

/**
 * Swagger UI at /api/docs, for the OpenAPI document at /api/docs-json (api-docs.ts). Served from
 * local files through a fixed allow-list (no CDN, no path from the request reaches the file
 * system), with no inline script or style of our own: only Swagger UI's runtime needs the
 * relaxation api-docs.ts applies to these paths.
 */
@ApiExcludeController()
@Controller('api/docs')
export class ApiDocsController {
  private readonly files = files();
  private readonly cache = new Map<string, Buffer>();

  private send(reply: FastifyReply, name: string): void {
    const file = this.files.get(name);
    if (!file) throw new NotFoundException();
    let content = this.cache.get(name);
    if (!content) {
      content = readFileSync(file.path);
      this.cache.set(name, content);
    }
    void reply.header('Content-Type', TYPES[file.type]).header('Cache-Control', 'no-cache').send(content);
  }

  @Get()
  page(@Res() reply: FastifyReply): void {
    this.send(reply, '');
  }

  @Get(':file')
  file(@Param('file') file: string, @Res() reply: FastifyReply): void {
    if (file === '') throw new NotFoundException();
    this.send(reply, file);
  }
}
