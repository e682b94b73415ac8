import { Global, Module } from '@nestjs/common';
import { Clock } from './clock';

/** One `Clock` for every module, so a test that moves it moves the rollout's and the updates' time alike. */
@Global()
@Module({ providers: [Clock], exports: [Clock] })
export class TimeModule {}
