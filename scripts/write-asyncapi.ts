import { writeFileSync } from 'fs';
import { join } from 'path';
import { asyncApiDocument } from '../contracts/asyncapi';

/** Writes docs/asyncapi.json from contracts/socket.ts (a test fails while the copy is not current). */
const file = join(__dirname, '..', '..', 'docs', 'asyncapi.json');
writeFileSync(file, JSON.stringify(asyncApiDocument(), null, 2) + '\n');
process.stdout.write(`${JSON.stringify({ level: 'info', msg: 'wrote the AsyncAPI document', file })}\n`);
