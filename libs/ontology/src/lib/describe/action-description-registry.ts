import { Injectable } from '@nestjs/common';

/** An action type as agents see it (the actions part of this layer provides them). */
export interface ActionTypeDescription {
  apiName: string;
  displayName: string;
  description: string;
  /** JSON Schema of the parameters object. */
  parametersSchema: Record<string, unknown>;
  requiresApproval: boolean;
  /** What applying it does, in words: "creates Order", "links Order to Customer", … */
  effects: string[];
}

export interface ActionDescriptionSource {
  /** The current tenant's action types the caller may see. */
  describeActionTypes(): Promise<ActionTypeDescription[]>;
}

/**
 * Where the self-description gets action types from: the actions part registers its catalog at
 * module init, so the core does not import it.
 */
@Injectable()
export class ActionDescriptionRegistry {
  private readonly sources: ActionDescriptionSource[] = [];

  register(source: ActionDescriptionSource): void {
    this.sources.push(source);
  }

  async describe(): Promise<ActionTypeDescription[]> {
    const all = await Promise.all(this.sources.map((source) => source.describeActionTypes()));
    return all.flat().sort((a, b) => a.apiName.localeCompare(b.apiName));
  }
}
