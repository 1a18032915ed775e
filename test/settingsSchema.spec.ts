import schema from '../schema/plugin.json';
import { readTeam } from '../src/team/agents';
import { DEFAULT_TEAM_CONFIG } from '../src/team/config';
import {
  DEFAULT_CODER_SYSTEM_MESSAGE,
  DEFAULT_CRITIC_SYSTEM_MESSAGE
} from '../src/team/prompts';
import { criticSystemMessage, DEFAULT_RUBRIC } from '../src/team/rubric';

type Property = { title?: string; description?: string; default?: unknown };
const properties = schema.properties as Record<string, Property>;

describe('schema/plugin.json', () => {
  it.each(Object.keys(properties))(
    '%s has a title, a description and a default',
    name => {
      const property = properties[name];
      expect(property.title).toBeTruthy();
      expect(property.description).toBeTruthy();
      expect(property).toHaveProperty('default');
    }
  );

  it('accepts no unknown settings', () => {
    expect(schema.additionalProperties).toBe(false);
  });

  it('shows the same system messages the team uses when nothing is set', () => {
    expect(properties.coderSystemMessage.default).toBe(
      DEFAULT_CODER_SYSTEM_MESSAGE
    );
    expect(properties.criticSystemMessage.default).toBe(
      DEFAULT_CRITIC_SYSTEM_MESSAGE
    );
  });

  it('has the defaults the team falls back to', () => {
    for (const [name, value] of Object.entries(DEFAULT_TEAM_CONFIG)) {
      // The team setting names a preset; the team is what it reads as.
      const fallback =
        name === 'team'
          ? readTeam(properties.team.default).team
          : properties[name]?.default;
      expect([name, fallback]).toEqual([name, value]);
    }
  });

  it('keeps the Critic rubric of the six dimensions and its two hard rules', () => {
    const message = criticSystemMessage(
      DEFAULT_CRITIC_SYSTEM_MESSAGE,
      DEFAULT_RUBRIC
    );
    for (const name of [
      'bugs',
      'transformation',
      'compliance',
      'type',
      'encoding',
      'aesthetics'
    ]) {
      expect(message).toContain(`\n- ${name}: `);
    }
    expect(message).toContain(
      'If ANY bug exists, the bugs score MUST be less than 5'
    );
    expect(message).toContain(
      'If a different visualization type is more appropriate, the type score MUST BE LESS THAN 5'
    );
    expect(message).toContain('Do not suggest code.');
    expect(message).not.toMatch(/\{rubric\}|\{example\}/);
  });
});
