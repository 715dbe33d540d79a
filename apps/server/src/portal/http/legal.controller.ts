import { Controller, Get, Header, Inject, Param, Query, UseFilters, UsePipes } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { PortalError } from '../domain/portal-error';
import { LEGAL_DOCUMENTS, LegalDocumentView, legalDocumentView } from '../legal/legal-documents';
import { LegalQueryDto } from './dto/legal.dto';
import { LegalDocumentViewDoc } from './dto/views';
import { PortalErrorFilter } from './portal-error.filter';
import { portalValidation } from './validation';

/**
 * /api/v1/legal/terms and /api/v1/legal/privacy — the terms of use and the privacy statement,
 * versioned, in the language asked for (the web UI renders them at /terms and /privacy). Public:
 * anyone may read them before creating an account.
 */
@ApiTags('legal')
@Controller('api/v1/legal')
@UseFilters(PortalErrorFilter)
@UsePipes(portalValidation)
export class LegalController {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  @Get(':document')
  @ApiOperation({
    summary: 'The terms of use or the privacy statement, in one language',
    description: 'Public, versioned. The terms\' version is the one activation accepts: a new version of the text is a new version number, and parents are asked to accept it again.',
  })
  @ApiParam({ name: 'document', enum: ['terms', 'privacy'] })
  @ApiOkResponse({ type: LegalDocumentViewDoc, description: 'The current version of the document.' })
  @Header('Cache-Control', 'no-cache')
  document(@Param('document') document: string, @Query() query: LegalQueryDto): LegalDocumentView {
    if (!Object.prototype.hasOwnProperty.call(LEGAL_DOCUMENTS, document)) throw new PortalError('not-found', 'no such document: ask for terms or privacy');
    return legalDocumentView(document as keyof typeof LEGAL_DOCUMENTS, query.language ?? this.config.service.defaultLanguage, this.config.operator);
  }
}
