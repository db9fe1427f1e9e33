export { startVoiceApi } from './server.js';
export type { Framework, RunningVoiceApi, VoiceApiOptions } from './server.js';
export type { HistoryDatabase } from './history.js';
export { pcmOf, synthesize, transcribe, transcribePcm } from './audio.js';
export { loadConfig, DEFAULT_CONFIG_PATH } from './config.js';
export type { VoiceApiConfig, TenantConfig, AgentConfig } from './config.js';
export { voicePolicy } from './policy.js';
