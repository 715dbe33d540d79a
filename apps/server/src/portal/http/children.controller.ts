import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Req, UseFilters, UseGuards, UsePipes } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import { CallView, ChildCallHistory } from '../domain/call-history';
import { CascadeView, ChildView, ParentChildren } from '../domain/parent-children';
import { CsrfGuard } from './csrf.guard';
import { ActivateCascadeDto, LinkChildDto, SaveCascadeDto } from './dto/children.dto';
import { PortalErrorFilter } from './portal-error.filter';
import { PortalRequest } from './portal-request';
import { SessionGuard } from './session.guard';
import { portalValidation } from './validation';

/**
 * /api/v1/children — the children the signed-in parent manages and their cascades. A child not
 * linked to this parent answers 404, like one that does not exist.
 */
@Controller('api/v1/children')
@UseFilters(PortalErrorFilter)
@UseGuards(CsrfGuard, SessionGuard)
@UsePipes(portalValidation)
export class ChildrenController {
  constructor(
    private readonly children: ParentChildren,
    private readonly history: ChildCallHistory,
  ) {}

  @Get()
  list(@Req() request: PortalRequest): Promise<ChildView[]> {
    return this.children.list(request.parentId!);
  }

  /** `{nationalNumber, contactCode}` → 201 the child; one generic 400 for a wrong code or an unknown number; 429 when locked out. */
  @Post('links')
  @UseGuards(ThrottlerGuard)
  link(@Body() body: LinkChildDto, @Req() request: PortalRequest): Promise<ChildView> {
    return this.children.link(request.parentId!, body.nationalNumber, body.contactCode);
  }

  @Delete(':childId')
  @HttpCode(204)
  async unlink(@Param('childId') childId: string, @Req() request: PortalRequest): Promise<void> {
    await this.children.unlink(request.parentId!, childId);
  }

  @Get(':childId/cascade')
  cascade(@Param('childId') childId: string, @Req() request: PortalRequest): Promise<CascadeView> {
    return this.children.cascade(request.parentId!, childId);
  }

  /** Replaces the list (in order). A new cascade is a draft; saving keeps the status. */
  @Put(':childId/cascade')
  save(@Param('childId') childId: string, @Body() body: SaveCascadeDto, @Req() request: PortalRequest): Promise<CascadeView> {
    return this.children.saveCascade(request.parentId!, childId, body.numbers, body.language);
  }

  @Delete(':childId/cascade')
  @HttpCode(204)
  async deleteCascade(@Param('childId') childId: string, @Req() request: PortalRequest): Promise<void> {
    await this.children.deleteCascade(request.parentId!, childId);
  }

  /** The calls about this child, newest first (at most 50): when, how they ended, which number answered. */
  @Get(':childId/calls')
  calls(@Param('childId') childId: string, @Req() request: PortalRequest): Promise<CallView[]> {
    return this.history.calls(request.parentId!, childId);
  }

  /** Consent: `{termsVersion}` (plus `contactCode` of the new card when the cascade is blocked). */
  @Post(':childId/cascade/activation')
  @HttpCode(200)
  @UseGuards(ThrottlerGuard)
  activate(@Param('childId') childId: string, @Body() body: ActivateCascadeDto, @Req() request: PortalRequest): Promise<CascadeView> {
    return this.children.activate(request.parentId!, childId, body.termsVersion, body.contactCode);
  }
}
