/** The cell metadata key that marks a cell as the team's. */
export const TEAM_METADATA_KEY = 'agent_team';
