import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface TenantConfig {
  apiKeys: string[];
  /** May use Zero Retention Mode (an enterprise entitlement). */
  entitled: boolean;
  /** Every request of this tenant runs in ZRM, whatever it asks. */
  forceZeroRetention: boolean;
}

export interface AgentConfig {
  tenant: string;
  /** The agent's "Zero Retention Mode" privacy toggle. */
  zeroRetention: boolean;
}

export interface VoiceApiConfig {
  tenants: Record<string, TenantConfig>;
  agents: Record<string, AgentConfig>;
  providers: { zeroRetentionAllowed: string[]; known: string[] };
}

export const DEFAULT_CONFIG_PATH = fileURLToPath(
  new URL('../config/tenants.json', import.meta.url),
);

function fail(what: string): never {
  throw new Error(`voice-api config: ${what}`);
}

/** Reads and checks the tenants file; errors name the field, never a key. */
export function loadConfig(path: string = DEFAULT_CONFIG_PATH): VoiceApiConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    fail(`cannot read ${path} as JSON`);
  }
  const config = raw as Partial<VoiceApiConfig>;
  if (typeof config.tenants !== 'object' || config.tenants === null)
    fail('"tenants" must be an object');
  for (const [name, tenant] of Object.entries(config.tenants)) {
    if (
      !Array.isArray(tenant.apiKeys) ||
      tenant.apiKeys.some((k) => typeof k !== 'string' || k.length < 8)
    ) {
      fail(`tenants.${name}.apiKeys must be strings of at least 8 characters`);
    }
    if (typeof tenant.entitled !== 'boolean') fail(`tenants.${name}.entitled must be a boolean`);
    if (typeof tenant.forceZeroRetention !== 'boolean')
      fail(`tenants.${name}.forceZeroRetention must be a boolean`);
  }
  const agents = config.agents ?? {};
  for (const [name, agent] of Object.entries(agents)) {
    if (!(agent.tenant in config.tenants)) fail(`agents.${name}.tenant names no tenant`);
  }
  const providers = config.providers ?? { zeroRetentionAllowed: [], known: [] };
  return { tenants: config.tenants, agents, providers };
}

/** The tenant an API key belongs to. */
export function tenantOf(config: VoiceApiConfig, apiKey: string | undefined): string | undefined {
  if (apiKey === undefined) return undefined;
  for (const [name, tenant] of Object.entries(config.tenants))
    if (tenant.apiKeys.includes(apiKey)) return name;
  return undefined;
}
