import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Req, UseFilters, UseGuards, UsePipes } from '@nestjs/common';
import { ApiAcceptedResponse, ApiConflictResponse, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import { CallView, ChildCallHistory } from '../domain/call-history';
import { MAX_CASCADE_NUMBERS } from '../domain/cascade-numbers';
import { CascadeCheckView, ParentCalls, TEST_INTERVAL_MS } from '../domain/parent-calls';
import { CascadeView, ChildView, ParentChildren } from '../domain/parent-children';
import { CsrfGuard } from './csrf.guard';
import { ActivateCascadeDto, CodeRequestDto, LinkChildDto, SaveCascadeDto } from './dto/children.dto';
import { CallViewDoc, CascadeCheckViewDoc, CascadeViewDoc, ChildViewDoc, MessageView, PortalErrorView } from './dto/views';
import { PortalErrorFilter } from './portal-error.filter';
import { PortalRequest } from './portal-request';
import { SessionGuard } from './session.guard';
import { portalValidation } from './validation';

/**
 * /api/v1/children — the children the signed-in parent manages and their cascades. A child not
 * linked to this parent answers 404, like one that does not exist.
 */
@ApiTags('children')
@Controller('api/v1/children')
@UseFilters(PortalErrorFilter)
@UseGuards(CsrfGuard, SessionGuard)
@UsePipes(portalValidation)
export class ChildrenController {
  constructor(
    private readonly children: ParentChildren,
    private readonly history: ChildCallHistory,
    private readonly parentCalls: ParentCalls,
  ) {}

  @Get()
  @ApiOperation({ summary: 'The children I manage' })
  @ApiOkResponse({ type: [ChildViewDoc], description: 'In the order they were linked.' })
  list(@Req() request: PortalRequest): Promise<ChildView[]> {
    return this.children.list(request.parentId!);
  }

  /** `{nationalNumber, contactCode}` → 201 the child; one generic 400 for a wrong code or an unknown number; 429 when locked out. */
  @Post('links')
  @ApiOperation({ summary: 'Link a child with the card\'s number and the letter\'s code', description: 'One generic 400 (link-refused) for a wrong code and an unknown number; 5 wrong tries per number or account within an hour lock linking for an hour (429).' })
  @ApiCreatedResponse({ type: ChildViewDoc, description: 'Linked.' })
  @UseGuards(ThrottlerGuard)
  link(@Body() body: LinkChildDto, @Req() request: PortalRequest): Promise<ChildView> {
    return this.children.link(request.parentId!, body.nationalNumber, body.contactCode);
  }

  /**
   * A lost contact code: `{nationalNumber}` → 202 and one generic message, whether or not the
   * number exists or has an active cascade; the service then calls that cascade's first number
   * and reads the code out. 429 after too many requests for the number or from the account.
   */
  @Post('code-requests')
  @ApiOperation({
    summary: 'Have a lost contact code read out by phone',
    description:
      "The service calls the first number of the child's active cascade (never a number from the request), asks for the key 1 and reads the code twice. The same 202 whether or not the number exists or has an active cascade; at most 2 requests per child's number and 3 per account in 24 hours (429).",
  })
  @ApiAcceptedResponse({ type: MessageView, description: 'Accepted: if the number has an active cascade, its first number is called.' })
  @HttpCode(202)
  @UseGuards(ThrottlerGuard)
  requestCode(@Body() body: CodeRequestDto, @Req() request: PortalRequest): Promise<{ message: string }> {
    return this.parentCalls.requestCode(request.parentId!, body.nationalNumber);
  }

  @Delete(':childId')
  @ApiOperation({ summary: 'Unlink a child from my account' })
  @ApiNoContentResponse({ description: 'Unlinked.' })
  @HttpCode(204)
  async unlink(@Param('childId') childId: string, @Req() request: PortalRequest): Promise<void> {
    await this.children.unlink(request.parentId!, childId);
  }

  @Get(':childId/cascade')
  @ApiOperation({ summary: "The child's cascade" })
  @ApiOkResponse({ type: CascadeViewDoc, description: 'The cascade (status null: none yet).' })
  cascade(@Param('childId') childId: string, @Req() request: PortalRequest): Promise<CascadeView> {
    return this.children.cascade(request.parentId!, childId);
  }

  /** Replaces the list (in order). A new cascade is a draft; saving keeps the status. */
  @Put(':childId/cascade')
  @ApiOperation({ summary: 'Save the list of numbers (in order)', description: `Up to ${MAX_CASCADE_NUMBERS} numbers, E.164 after normalisation; refused per field: invalid, duplicate, an ${MAX_CASCADE_NUMBERS + 1}th, premium-rate, the service's own number. A new cascade is a draft.` })
  @ApiOkResponse({ type: CascadeViewDoc, description: 'Saved.' })
  save(@Param('childId') childId: string, @Body() body: SaveCascadeDto, @Req() request: PortalRequest): Promise<CascadeView> {
    return this.children.saveCascade(request.parentId!, childId, body.numbers, body.language);
  }

  /** Starts a test call to each number in turn (202); 429 within TEST_INTERVAL_MS of the previous test. */
  @Post(':childId/cascade/test')
  @ApiOperation({
    summary: 'Test the list: call each number in turn',
    description: `Whoever answers hears that it is a test and presses 1 to confirm. One test per cascade per ${TEST_INTERVAL_MS / 60_000} minutes (429); a list without numbers answers 409.`,
  })
  @ApiAcceptedResponse({ type: CascadeCheckViewDoc, description: 'Started: the test runs in the background; follow it with GET.' })
  @HttpCode(202)
  @UseGuards(ThrottlerGuard)
  startTest(@Param('childId') childId: string, @Req() request: PortalRequest): Promise<CascadeCheckView> {
    return this.parentCalls.startTest(request.parentId!, childId);
  }

  /** The latest test (running or not) and, per number, the last check and the last confirmation. */
  @Get(':childId/cascade/test')
  @ApiOperation({ summary: 'The latest test of the list and each number\'s last result' })
  @ApiOkResponse({ type: CascadeCheckViewDoc, description: 'The latest test (running or not) and, per number, the last check and the last confirmation.' })
  tests(@Param('childId') childId: string, @Req() request: PortalRequest): Promise<CascadeCheckView> {
    return this.parentCalls.checks(request.parentId!, childId);
  }

  @Delete(':childId/cascade')
  @ApiOperation({ summary: 'Delete the cascade (withdraws consent)' })
  @ApiNoContentResponse({ description: 'Deleted: the cascade calls no one.' })
  @HttpCode(204)
  async deleteCascade(@Param('childId') childId: string, @Req() request: PortalRequest): Promise<void> {
    await this.children.deleteCascade(request.parentId!, childId);
  }

  /** The calls about this child, newest first (at most 50): when, how they ended, which number answered. */
  @Get(':childId/calls')
  @ApiOperation({ summary: 'The call history of the child', description: 'Newest first, at most 50: when, the outcome, each leg and the number that answered. Never the finder\'s number.' })
  @ApiOkResponse({ type: [CallViewDoc], description: 'The calls, newest first.' })
  calls(@Param('childId') childId: string, @Req() request: PortalRequest): Promise<CallView[]> {
    return this.history.calls(request.parentId!, childId);
  }

  /** An active cascade stops ringing until resumed (409 for a cascade that is not active). */
  @Post(':childId/cascade/pause')
  @ApiOperation({
    summary: 'Pause the cascade',
    description:
      'Only an active cascade can be paused (409 otherwise, saying why). While paused it calls no one: a finder who calls about the child is put through to the hotline, as for any number without an active cascade. A new card issued meanwhile blocks it as it blocks an active one.',
  })
  @ApiOkResponse({ type: CascadeViewDoc, description: 'Paused.' })
  @ApiConflictResponse({ type: PortalErrorView, description: 'The cascade is not active (a draft, blocked, or already paused): the message says which.' })
  @HttpCode(200)
  pause(@Param('childId') childId: string, @Req() request: PortalRequest): Promise<CascadeView> {
    return this.children.pause(request.parentId!, childId);
  }

  /** A paused cascade is active again, under the consent given at its activation (409 for one that is not paused). */
  @Post(':childId/cascade/resume')
  @ApiOperation({
    summary: 'Resume a paused cascade',
    description: 'Only a paused cascade can be resumed (409 otherwise, saying why). It is active again at once; no new consent is needed (the terms were accepted when it was activated).',
  })
  @ApiOkResponse({ type: CascadeViewDoc, description: 'Active again.' })
  @ApiConflictResponse({ type: PortalErrorView, description: 'The cascade is not paused (a draft, blocked, or already active): the message says which.' })
  @HttpCode(200)
  resume(@Param('childId') childId: string, @Req() request: PortalRequest): Promise<CascadeView> {
    return this.children.resume(request.parentId!, childId);
  }

  /** Consent: `{termsVersion}` (plus `contactCode` of the new card when the cascade is blocked). */
  @Post(':childId/cascade/activation')
  @ApiOperation({ summary: 'Activate the cascade (consent to the terms of use)', description: 'Records the terms version and time. A cascade blocked by a new card needs the new letter\'s code.' })
  @ApiOkResponse({ type: CascadeViewDoc, description: 'Active.' })
  @HttpCode(200)
  @UseGuards(ThrottlerGuard)
  activate(@Param('childId') childId: string, @Body() body: ActivateCascadeDto, @Req() request: PortalRequest): Promise<CascadeView> {
    return this.children.activate(request.parentId!, childId, body.termsVersion, body.contactCode);
  }
}
