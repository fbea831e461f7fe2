import { accessSync, constants } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Injectable, Logger, Scope, type OnModuleInit } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { DiscoveryService, MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import { ExternalContextCreator } from '@nestjs/core/helpers/external-context-creator.js';
import type { InstanceWrapper } from '@nestjs/core/injector/instance-wrapper.js';
import { FlowContract } from '../contract/flow-contract.js';
import { formatFlowJsonProblem } from '../../flow-json/index.js';
import { checkFlowJsonFile, readFlowJson } from '../../flow-json/files.js';
import { FlowClass, FlowHandler, FlowHandlerHost, runsInSessionTransaction, type FlowMetadata } from './flow.decorators.js';
import { FlowRegistry, handlerKey, type BoundFlowHandler, type RegisteredFlow } from './flow-registry.js';

const FLOW_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** Flow handlers only take custom parameter decorators (@FlowData, @FlowToken...); nothing else to resolve. */
const noBuiltInParams = { exchangeKeyForValue: () => null };

/** Reads and validates a flow's Flow JSON; any error stops the boot naming the file (warnings are returned, to log). */
function loadContract(className: string, flowName: string, flowJson: URL | undefined): { file: string; contract: FlowContract; warnings: string[] } {
  if (!(flowJson instanceof URL)) {
    throw new Error(`${className}: @Flow('${flowName}') needs flowJson: new URL('./${flowName}.flow.json', import.meta.url)`);
  }
  const file = fileURLToPath(flowJson);
  try {
    accessSync(file, constants.R_OK);
  } catch (error) {
    throw new Error(`Flow "${flowName}" (${className}): cannot read ${file}: ${(error as Error).message}`);
  }
  const { problems, warnings } = checkFlowJsonFile(file);
  if (problems.length) {
    const lines = problems.map((problem) => formatFlowJsonProblem(file, problem));
    throw new Error(
      `Flow "${flowName}" (${className}): ${file} is not a valid Flow JSON (npm run flow:lint -- ${file}):\n  - ${lines.join('\n  - ')}`,
    );
  }
  return { file, contract: new FlowContract(readFlowJson(flowJson)), warnings: warnings.map((warning) => formatFlowJsonProblem(file, warning)) };
}

/** The provider that makes `wrapper` resolve per request (itself or a dependency, at any depth), as a path. */
function requestScopedPath(wrapper: InstanceWrapper, seen = new Set<InstanceWrapper>()): string[] | undefined {
  if (seen.has(wrapper)) return undefined;
  seen.add(wrapper);
  if (wrapper.scope === Scope.REQUEST) return [String(wrapper.name)];
  const dependencies = [...(wrapper.getCtorMetadata() ?? []), ...(wrapper.getPropertiesMetadata() ?? []).map((property) => property.wrapper)];
  for (const dependency of dependencies) {
    if (!dependency || dependency.isDependencyTreeStatic()) continue;
    const path = requestScopedPath(dependency, seen);
    if (path) return [String(wrapper.name), ...path];
  }
  return undefined;
}

/**
 * Finds every `@Flow` class at boot and registers its handlers, bound so that guards, pipes and
 * interceptors apply to them as to ordinary routes. Duplicates, and flows Nest could not give one
 * long-lived instance, stop the boot.
 */
@Injectable()
export class FlowExplorer implements OnModuleInit {
  private readonly logger = new Logger(FlowExplorer.name);

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    private readonly contextCreator: ExternalContextCreator,
    private readonly registry: FlowRegistry,
    private readonly modules: ModulesContainer,
  ) {
    // Here rather than in onModuleInit: Nest registers routes before that hook, and would stop at
    // "does not have the @Controller() decorator" without saying what to do.
    for (const wrapper of this.discovery.getControllers({ metadataKey: FlowClass.KEY })) {
      throw new Error(
        `${wrapper.metatype?.name} is a @Flow listed in its module's controllers: list it in providers instead (the core serves it at POST /flows/<name>, not Nest's HTTP router)`,
      );
    }
  }

  onModuleInit(): void {
    for (const wrapper of this.inModuleOrder(this.discovery.getProviders({ metadataKey: FlowClass.KEY }))) {
      this.assertSingleton(wrapper);
      this.registerFlow(wrapper, this.discovery.getMetadataByDecorator(FlowClass, wrapper)!);
    }
    const hosts = [
      ...this.discovery.getProviders({ metadataKey: FlowHandlerHost.KEY }),
      ...this.discovery.getControllers({ metadataKey: FlowHandlerHost.KEY }),
    ];
    for (const wrapper of hosts) this.assertNoStrayHandlers(wrapper);
    for (const name of this.registry.names()) {
      const flow = this.registry.get(name)!;
      this.logger.log(`Flow "${name}" at POST /flows/${name}: ${[...flow.handlers.keys()].join(', ') || 'no handlers'}`);
    }
  }

  /** Flows in the order their modules and providers are listed (the discovery index keeps no order). */
  private inModuleOrder(wrappers: InstanceWrapper[]): InstanceWrapper[] {
    const position = new Map<unknown, number>();
    for (const module of this.modules.values())
      for (const provider of module.providers.keys()) if (!position.has(provider)) position.set(provider, position.size);
    const at = (wrapper: InstanceWrapper) => position.get(wrapper.token) ?? Number.MAX_SAFE_INTEGER;
    return [...wrappers].sort((a, b) => at(a) - at(b));
  }

  /**
   * The router calls one instance of each flow for every request. A request-scoped or transient
   * flow (or one depending on a request-scoped provider) has no such instance: Nest keeps a
   * placeholder whose constructor never ran.
   */
  private assertSingleton(wrapper: InstanceWrapper): void {
    const className = wrapper.metatype!.name;
    const fix =
      'flows are singletons: remove the scope, and read per-request values from the handler arguments (@CurrentFlowRequest(), @CurrentSession()) instead';
    if (wrapper.scope === Scope.REQUEST) throw new Error(`${className} is a @Flow with scope REQUEST; ${fix}`);
    if (wrapper.isTransient) throw new Error(`${className} is a @Flow with scope TRANSIENT; ${fix}`);
    const path = requestScopedPath(wrapper);
    if (path) {
      throw new Error(
        `${className} is a @Flow that depends on a request-scoped provider (${path.join(' → ')}), which makes it request-scoped; ${fix}`,
      );
    }
  }

  private registerFlow(wrapper: InstanceWrapper, metadata: FlowMetadata): void {
    const className = wrapper.metatype!.name;
    if (!FLOW_NAME.test(metadata.name)) {
      throw new Error(`${className}: flow name "${metadata.name}" must be lowercase letters, digits, - or _`);
    }
    const { file, contract, warnings } = loadContract(className, metadata.name, metadata.flowJson);
    for (const warning of warnings) this.logger.warn(`Flow "${metadata.name}": ${warning}`);
    const flow: RegisteredFlow = { metadata, className, flowJsonFile: file, contract, handlers: new Map() };
    const instance = wrapper.instance as Record<string, (...args: unknown[]) => unknown>;
    for (const method of this.scanner.getAllMethodNames(Object.getPrototypeOf(instance))) {
      const kind = this.reflector.get(FlowHandler, instance[method]);
      if (!kind) continue;
      const key = handlerKey(kind);
      const location = `${className}.${method}`;
      if ('screen' in kind && kind.screen && !contract.hasScreen(kind.screen)) {
        throw new Error(`${location} handles screen "${kind.screen}", which ${file} does not declare`);
      }
      const existing = flow.handlers.get(key);
      if (existing) {
        throw new Error(`Flow "${metadata.name}" has two handlers for ${key}: ${existing.location} and ${location}`);
      }
      const invoke = this.contextCreator.create(
        instance,
        instance[method],
        method,
        ROUTE_ARGS_METADATA,
        noBuiltInParams,
        undefined,
        undefined,
        { guards: true, interceptors: true, filters: false },
        'flow',
      ) as BoundFlowHandler;
      flow.handlers.set(key, { kind, location, invoke, inTransaction: runsInSessionTransaction(Object.getPrototypeOf(instance), method) });
    }
    this.registry.add(flow);
  }

  /** Handler decorators outside a @Flow class would never run: say so at boot. */
  private assertNoStrayHandlers(wrapper: InstanceWrapper): void {
    const metatype = wrapper.metatype;
    if (!metatype || this.discovery.getMetadataByDecorator(FlowClass, wrapper)) return;
    const method = this.scanner.getAllMethodNames(metatype.prototype).find((name) => this.reflector.get(FlowHandler, metatype.prototype[name]));
    throw new Error(`${metatype.name}.${method} has a flow handler decorator but ${metatype.name} has no @Flow()`);
  }
}
