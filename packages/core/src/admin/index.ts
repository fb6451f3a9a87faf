export * from './admin-queries.ts';
export * from './app-stats.ts';
export * from './authenticate-operator.ts';
export * from './dry-run-rules.ts';
export * from './operator-actor.ts';
export * from './operator-sessions.ts';
export * from './operator-tokens.ts';
export * from './record-subjects.ts';
