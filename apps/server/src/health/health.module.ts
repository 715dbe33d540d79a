import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { TelephonyModule } from '../telephony/telephony.module';
import { HealthController } from './health.controller';

@Module({ imports: [TerminusModule.forRoot({ logger: false }), TelephonyModule], controllers: [HealthController] })
export class HealthModule {}
