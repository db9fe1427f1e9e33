import { Module } from '@nestjs/common';
import { SpeechController } from './speech.controller.js';

@Module({ controllers: [SpeechController] })
export class SpeechModule {}
