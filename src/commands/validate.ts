import type { Command } from 'commander';
import { UsageError } from '../errors.js';

// Placeholder until the owning work lands.
export function register(program: Command): void {
  program.command('validate').description('(not yet built)').action(() => {
    throw new UsageError('validate: not implemented yet');
  });
}
