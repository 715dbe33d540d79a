import { Body, Controller, Delete, Get, Header, HttpCode, Inject, Put, Req, Res, UseFilters, UseGuards, UsePipes } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { AccountData, AccountExport } from '../domain/account-data';
import { AccountProfile, AccountService } from '../domain/accounts';
import { clearSessionCookie } from './cookies';
import { CsrfGuard } from './csrf.guard';
import { NoticePreferencesService, NoticePreferencesView } from '../../notices/domain/notice-preferences';
import { DeleteAccountDto, NoticePreferencesDto } from './dto/account.dto';
import { AccountExportView, AccountProfileView, DeletedAccountView, NoticePreferencesViewDoc } from './dto/views';
import { PortalErrorFilter } from './portal-error.filter';
import { PortalRequest } from './portal-request';
import { SessionGuard } from './session.guard';
import { portalValidation } from './validation';

/** /api/v1/account — the signed-in parent's own account: see it, export everything, delete it. */
@ApiTags('account')
@Controller('api/v1/account')
@UseFilters(PortalErrorFilter)
@UseGuards(CsrfGuard, SessionGuard)
@UsePipes(portalValidation)
export class AccountController {
  constructor(
    private readonly accounts: AccountService,
    private readonly data: AccountData,
    private readonly notices: NoticePreferencesService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  @ApiOperation({ summary: 'My account' })
  @ApiOkResponse({ type: AccountProfileView, description: 'The signed-in account.' })
  profile(@Req() request: PortalRequest): Promise<AccountProfile> {
    return this.accounts.profile(request.parentId!);
  }

  @Get('notices')
  @ApiOperation({ summary: 'Which notices I get', description: "The mail that tells the account what happens to its children's cascades: each kind, whether it is sent, and the notices' language." })
  @ApiOkResponse({ type: NoticePreferencesViewDoc, description: "The account's notice preferences." })
  noticePreferences(@Req() request: PortalRequest): Promise<NoticePreferencesView> {
    return this.notices.get(request.parentId!);
  }

  /** `{"disabled": ["number-check"], "language": "nl"}` — every kind not listed is sent; the blocking notice always is. */
  @Put('notices')
  @ApiOperation({ summary: 'Choose which notices I get', description: 'Turns off the kinds listed in `disabled` (and on every other); the blocking notice (cascade-blocked) cannot be turned off (400).' })
  @ApiOkResponse({ type: NoticePreferencesViewDoc, description: 'Saved.' })
  setNoticePreferences(@Body() body: NoticePreferencesDto, @Req() request: PortalRequest): Promise<NoticePreferencesView> {
    return this.notices.set(request.parentId!, { language: body.language ?? null, disabled: body.disabled });
  }

  @Get('export')
  @ApiOperation({ summary: 'Download all the data held about me (JSON file)', description: 'The account, its sessions, its sign-in providers, and each child with its cascade, the last test result of each number and every call still kept.' })
  @ApiOkResponse({ type: AccountExportView, description: 'Everything held about the account, as an attachment.' })
  @Header('Content-Disposition', 'attachment; filename="allo-parents-my-data.json"')
  @Header('Cache-Control', 'no-store')
  export(@Req() request: PortalRequest): Promise<AccountExport> {
    return this.data.export(request.parentId!);
  }

  /** `{"confirm": true, "deleteCascades": true}` — the cascades this parent alone manages go too. */
  @Delete()
  @ApiOperation({ summary: 'Delete my account', description: 'Refused (409) while this parent alone manages a cascade, unless deleteCascades is true.' })
  @ApiOkResponse({ type: DeletedAccountView, description: 'Deleted; the session cookie is cleared.' })
  @HttpCode(200)
  async delete(@Body() body: DeleteAccountDto, @Req() request: PortalRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<{ deletedCascades: number }> {
    const result = await this.data.delete(request.parentId!, body.deleteCascades === true);
    clearSessionCookie(reply, request, this.config);
    return result;
  }
}
