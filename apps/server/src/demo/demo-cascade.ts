import { Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CardsModule } from '../cards/cards.module';
import { CardIngestService } from '../cards/domain/card-ingest';
import { ContactCodeVerifier } from '../cards/domain/contact-code-verifier';
import { makeNationalNumber } from '../cascades/domain/national-number';
import { AppConfig } from '../config/app-config';
import { ConfigModule } from '../config/config.module';
import { DatabaseModule } from '../database/database.module';
import { CURRENT_TERMS_VERSION } from '../portal/legal/legal-documents';
import { AccountData } from '../portal/domain/account-data';
import { AccountService } from '../portal/domain/accounts';
import { Mail, Mailer } from '../portal/domain/mailer';
import { ParentChildren } from '../portal/domain/parent-children';
import { PortalError } from '../portal/domain/portal-error';
import { PortalModule } from '../portal/portal.module';
import { PrivacyModule } from '../privacy/privacy.module';

/**
 * The demo child of `npm run stack` without a real trunk: one card and one active cascade, made
 * through the same paths as real ones (the authority's ingest, a parent's registration, link,
 * list of numbers and consent), so every privacy rule applies. Its numbers are phones of the
 * simulated telephone network (test/e2e/network/extensions.conf): the first is busy, the second
 * answers and presses 1.
 */
export const DEMO = {
  /** A valid national register number (born 2020-01-01, mod-97 checked). */
  nationalNumber: makeNationalNumber('200101', '001', true),
  contactCode: 'DEMODEMO23',
  firstName: 'Demo',
  lastName: 'Child',
  parentEmail: 'demo.parent@allo-parents.example',
  parentPassword: 'demo parent of the simulated network',
  /** In cascade order: busy, then a person who presses 1. */
  numbers: [
    { number: '+32470001002', label: 'demo: busy' },
    { number: '+32470001001', label: 'demo: answers and presses 1' },
  ],
} as const;

const DEMO_ACTOR = { kind: 'operator' as const, id: 'demo' };

export interface DemoSeedResult {
  nationalNumber: string;
  childId: string;
  /** What this run did: everything was already there, or it created or completed the demo. */
  already: boolean;
}

/** Config, database, privacy, cards and portal: what the ingest and the parent's paths need, no HTTP, no telephony. */
async function demoContext(config: AppConfig): Promise<INestApplicationContext> {
  @Module({ imports: [ConfigModule.forRoot(config), DatabaseModule, PrivacyModule, CardsModule, PortalModule] })
  class DemoModule {}
  const context = await NestFactory.createApplicationContext(DemoModule, { logger: ["error"] });
  // The data source connects in the background (the app starts without PostgreSQL): wait for it, 10 s at most.
  const source = context.get<DataSource>(getDataSourceToken());
  for (let waited = 0; !source.isInitialized; waited += 100) {
    if (waited >= 10_000) {
      await context.close();
      throw new Error('cannot reach PostgreSQL with DATABASE_URL');
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return context;
}

/**
 * The demo parent's mail is kept here, never sent nor logged: its address is not real, and the
 * verification link it carries is followed at once.
 */
function keepMail(context: INestApplicationContext): Mail[] {
  const kept: Mail[] = [];
  context.get(Mailer).send = async (mail: Mail) => {
    kept.push(mail);
  };
  return kept;
}

/** Creates (or completes) the demo child, its card, its parent and its active cascade; safe to run again. */
export async function seedDemo(config: AppConfig): Promise<DemoSeedResult> {
  const context = await demoContext(config);
  try {
    const mail = keepMail(context);
    let already = true;
    if (!(await context.get(ContactCodeVerifier).verify(DEMO.nationalNumber, DEMO.contactCode))) {
      const today = new Date().toISOString().slice(0, 10);
      const report = await context.get(CardIngestService).ingest(
        [{ nationalNumber: DEMO.nationalNumber, contactCode: DEMO.contactCode, issuedOn: today, firstName: DEMO.firstName, lastName: DEMO.lastName }],
        DEMO_ACTOR,
      );
      if (report.rejected.length > 0) throw new Error(`the demo card was refused: ${JSON.stringify(report.rejected)}`);
      already = false;
    }
    const accounts = context.get(AccountService);
    let parentId = await signIn(accounts, mail);
    if (!parentId) {
      await accounts.register(DEMO.parentEmail, DEMO.parentPassword, 'en');
      await accounts.verifyEmail(tokenFrom(mail, '/verify-email#'));
      parentId = await signIn(accounts, mail);
      if (!parentId) throw new Error('the demo parent cannot sign in after registering');
      already = false;
    }
    const children = context.get(ParentChildren);
    let child = (await children.list(parentId))[0];
    if (!child) {
      child = await children.link(parentId, DEMO.nationalNumber, DEMO.contactCode);
      already = false;
    }
    const cascade = await children.cascade(parentId, child.id);
    if (cascade.numbers.map((n) => n.number).join() !== DEMO.numbers.map((n) => n.number).join()) {
      await children.saveCascade(parentId, child.id, DEMO.numbers.map((n) => ({ ...n, country: 'BE' })), 'en');
      already = false;
    }
    if (cascade.status !== 'active') {
      await children.activate(parentId, child.id, CURRENT_TERMS_VERSION);
      already = false;
    }
    return { nationalNumber: DEMO.nationalNumber, childId: child.id, already };
  } finally {
    await context.close();
  }
}

/**
 * Deletes the demo parent's account and the demo cascade (the parent's own deletion path), so a
 * service with a real trunk never dials the demo numbers. The demo card stays until the daily
 * purge: without a cascade, a finder typing its number reaches the hotline. Returns whether
 * there was a demo parent.
 */
export async function removeDemo(config: AppConfig): Promise<boolean> {
  const context = await demoContext(config);
  try {
    const mail = keepMail(context);
    const parentId = await signIn(context.get(AccountService), mail);
    if (!parentId) return false;
    await context.get(AccountData).delete(parentId, true);
    return true;
  } finally {
    await context.close();
  }
}

/**
 * The demo parent's id, or null when there is none. A demo parent left unverified (a seeding
 * interrupted between registering and following the link) is completed the way a parent would
 * be: a password reset, whose link proves the address.
 */
async function signIn(accounts: AccountService, mail: Mail[]): Promise<string | null> {
  try {
    return await accounts.signIn(DEMO.parentEmail, DEMO.parentPassword);
  } catch (error) {
    if (error instanceof PortalError && error.code === 'unauthenticated') return null;
    if (!(error instanceof PortalError && error.code === 'email-not-verified')) throw error;
    await accounts.requestPasswordReset(DEMO.parentEmail);
    return accounts.resetPassword(tokenFrom(mail, '/reset-password#'), DEMO.parentPassword);
  }
}

/** The token of the last kept mail whose link starts its fragment after `path` (tokens travel in the fragment, never in a query string). */
function tokenFrom(mail: Mail[], path: string): string {
  const link = mail.filter((m) => m.link?.includes(path)).at(-1)?.link;
  const token = link ? new URLSearchParams(new URL(link).hash.slice(1)).get('token') : null;
  if (!token) throw new Error(`the demo parent's mail has no ${path} link`);
  return token;
}
