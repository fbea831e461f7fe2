import { accessSync, constants } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { ExternalContextCreator } from '@nestjs/core/helpers/external-context-creator.js';
import type { InstanceWrapper } from '@nestjs/core/injector/instance-wrapper.js';
import { FlowContract } from '../contract/flow-contract.js';
import { checkFlowJsonFile, formatFlowJsonProblem } from '../contract/checker/flow-json-checker.js';
import { readFlowJson } from '../contract/flow-json.js';
import { FLOW_HANDLER_METADATA, FLOW_METADATA, type FlowHandlerKind, type FlowMetadata } from './flow.decorators.js';
import { FlowRegistry, handlerKey, type BoundFlowHandler, type RegisteredFlow } from './flow-registry.js';

const FLOW_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** Flow handlers only take custom parameter decorators (@FlowData, @FlowToken...); nothing else to resolve. */
const noBuiltInParams = { exchangeKeyForValue: () => null };

/** Reads and validates a flow's Flow JSON; any problem stops the boot naming the file. */
function loadContract(className: string, flowName: string, flowJson: URL | undefined): { file: string; contract: FlowContract } {
  if (!(flowJson instanceof URL)) {
    throw new Error(`${className}: @Flow('${flowName}') needs flowJson: new URL('./${flowName}.flow.json', import.meta.url)`);
  }
  const file = fileURLToPath(flowJson);
  try {
    accessSync(file, constants.R_OK);
  } catch (error) {
    throw new Error(`Flow "${flowName}" (${className}): cannot read ${file}: ${(error as Error).message}`);
  }
  const { problems } = checkFlowJsonFile(file);
  if (problems.length) {
    const lines = problems.map((problem) => formatFlowJsonProblem(file, problem));
    throw new Error(`Flow "${flowName}" (${className}): ${file} is not a valid Flow JSON (npm run flow:lint -- ${file}):\n  - ${lines.join('\n  - ')}`);
  }
  return { file, contract: new FlowContract(readFlowJson(flowJson)) };
}

/**
 * Finds every `@Flow` controller at boot and registers its handlers, bound so that guards, pipes
 * and interceptors apply to them as to ordinary routes. Duplicates stop the boot.
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
  ) {}

  onModuleInit(): void {
    const wrappers = this.discovery.getProviders();
    for (const wrapper of wrappers) {
      if (!wrapper.metatype || !wrapper.instance) continue;
      const metadata = this.reflector.get<FlowMetadata | undefined>(FLOW_METADATA, wrapper.metatype);
      if (metadata) this.registerFlow(wrapper, metadata);
      else this.assertNoStrayHandlers(wrapper);
    }
    for (const name of this.registry.names()) {
      const flow = this.registry.get(name)!;
      this.logger.log(`Flow "${name}" at POST /flows/${name}: ${[...flow.handlers.keys()].join(', ') || 'no handlers'}`);
    }
  }

  private registerFlow(wrapper: InstanceWrapper, metadata: FlowMetadata): void {
    const className = wrapper.metatype!.name;
    if (!FLOW_NAME.test(metadata.name)) {
      throw new Error(`${className}: flow name "${metadata.name}" must be lowercase letters, digits, - or _`);
    }
    const { file, contract } = loadContract(className, metadata.name, metadata.flowJson);
    const flow: RegisteredFlow = { metadata, className, flowJsonFile: file, contract, handlers: new Map() };
    const instance = wrapper.instance as Record<string, (...args: unknown[]) => unknown>;
    for (const method of this.scanner.getAllMethodNames(Object.getPrototypeOf(instance))) {
      const kind = this.reflector.get<FlowHandlerKind | undefined>(FLOW_HANDLER_METADATA, instance[method]);
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
      flow.handlers.set(key, { kind, location, invoke });
    }
    this.registry.add(flow);
  }

  /** Handler decorators outside a @Flow class would never run: say so at boot. */
  private assertNoStrayHandlers(wrapper: InstanceWrapper): void {
    const instance = wrapper.instance as Record<string, unknown> | undefined;
    if (!instance || typeof instance !== 'object') return;
    const prototype = Object.getPrototypeOf(instance);
    if (!prototype) return;
    for (const method of this.scanner.getAllMethodNames(prototype)) {
      const handler = instance[method];
      if (typeof handler === 'function' && this.reflector.get(FLOW_HANDLER_METADATA, handler)) {
        throw new Error(`${wrapper.metatype!.name}.${method} has a flow handler decorator but ${wrapper.metatype!.name} has no @Flow()`);
      }
    }
  }
}
