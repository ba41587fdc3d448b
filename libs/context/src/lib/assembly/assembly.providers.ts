import type { DynamicModule, Provider } from '@nestjs/common';
import { ContextAssembler } from './context-assembler';
import { ConversationCompactor } from './conversation-compactor';
import { OntologyContextSource } from './ontology-context-source';
import { RetrievalContextSource } from './retrieval-context-source';

/** Context assembly: the assembler, its sources and compaction. */
export const ASSEMBLY_PROVIDERS: Provider[] = [OntologyContextSource, RetrievalContextSource, ConversationCompactor, ContextAssembler];
export const ASSEMBLY_CONTROLLERS: NonNullable<DynamicModule['controllers']> = [];
