import { describeAgents } from './support/agent-suite.js';

describeAgents('fastify');
