import type { Command } from 'commander';
import { UsageError } from '../errors.js';

// Placeholder until the owning work lands.
export function register(program: Command): void {
  program.command('kernels').description('(not yet built)').action(() => {
    throw new UsageError('kernels: not implemented yet');
  });
}
