import { Global, Module } from '@nestjs/common';
import { CLOCK, SystemClock } from '@strata/kernel';

/** The platform clock for every layer (tests substitute a ManualClock for CLOCK). */
@Global()
@Module({ providers: [{ provide: CLOCK, useClass: SystemClock }], exports: [CLOCK] })
export class ClockModule {}
