/**
 * The team's own presets and speaker strategies, registered through the same
 * registry as other extensions' (once, when the team first loads).
 */
import { PRESETS } from './team/agents';
import { autoSelect, roundRobin } from './team/speakers';
import type { IAgentTeamRegistry } from './tokens';

export function registerBuiltIns(registry: IAgentTeamRegistry): void {
  if ('auto' in registry.strategies) {
    return;
  }
  for (const [name, team] of Object.entries(PRESETS)) {
    registry.registerPreset(name, team);
  }
  registry.registerSpeakerStrategy('round_robin', roundRobin);
  registry.registerSpeakerStrategy('auto', autoSelect);
}
