import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import type { ApiHarness } from './api-harness';

/** A route of the running app, as Nest registered it. */
export interface AppRoute {
  method: string;
  /** Nest's template, e.g. `/governance/members/:id`. */
  path: string;
  /** The handler reads the body (`@Body` or the raw request). */
  readsBody: boolean;
  /** The handler reads the query string (`@Query` or the raw request). */
  readsQuery: boolean;
}

/**
 * Every route of the app, read from Nest's own route metadata, so the suites that walk them all
 * (tenancy matrix, bad-input sweep) cover routes later layers add without anyone editing them.
 * The harness must import Nest's `DiscoveryModule`.
 */
export function appRoutes(api: ApiHarness): AppRoute[] {
  const discovery = api.app.get(DiscoveryService);
  const scanner = new MetadataScanner();
  const routes: AppRoute[] = [];
  for (const wrapper of discovery.getControllers()) {
    const { instance, metatype } = wrapper;
    if (!instance || !metatype) continue;
    const base = [Reflect.getMetadata(PATH_METADATA, metatype) as string | string[]].flat()[0] ?? '';
    const prototype = Object.getPrototypeOf(instance) as object;
    for (const name of scanner.getAllMethodNames(prototype)) {
      const handler = (prototype as Record<string, unknown>)[name] as object;
      const path = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      if (path === undefined || method === undefined) continue;
      const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, metatype, name) ?? {}) as Record<string, unknown>;
      const types = new Set(Object.keys(args).map((key) => Number(key.split(':')[0])));
      const full = `/${[base, path].map((part) => part.replace(/^\/|\/$/g, '')).filter(Boolean).join('/')}`;
      routes.push({
        method: RequestMethod[method],
        path: full,
        readsBody: types.has(RouteParamtypes.BODY) || types.has(RouteParamtypes.REQUEST),
        readsQuery: types.has(RouteParamtypes.QUERY) || types.has(RouteParamtypes.REQUEST),
      });
    }
  }
  return routes;
}
