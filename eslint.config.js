// ESLint: the architecture of docs/architecture.md as import rules, plus the type-aware rules the
// code follows (no floating or misused promises, no explicit any). `npm run lint`; CI runs it.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Imports matching these, from the files of a layer, are refused with the reason. */
function forbid(files, rules) {
  return {
    files,
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: rules.map(({ regex, message }) => ({ regex, message, allowTypeImports: false })) },
      ],
    },
  };
}

const AZURE_SDK = { regex: '^@azure/', message: 'only src/adapters/azure, src/hosts/azure and src/functions use the Azure SDKs' };
const ADAPTERS = { regex: '(^|/)adapters/', message: 'adapters implement the kernel ports; only the hosts (src/hosts) choose and import them' };
const LOCAL_ADAPTERS = { regex: '(^|/)adapters/local/', message: 'the Azure path must not load the embedded default (SQLite)' };
const EMBEDDED_HOST = { regex: '(^|/)hosts/embedded/', message: 'the Azure path must not load the embedded default' };
const HOSTS = { regex: '(^|/)(hosts|functions|cli)/', message: 'hosts depend on this layer, not the other way round' };
const WIRING = { regex: '(^|/)wiring/', message: 'only hosts compose the system' };
const SECURITY = { regex: '(^|/)security/', message: 'reach security through a kernel port (e.g. ContextAccessControl)' };
const API = { regex: '(^|/)api/', message: 'the API is a client of this layer' };
const DRIVERS = { regex: '(^|/)drivers/', message: 'drivers are registered by the wiring, never imported here' };
const REGISTRIES = { regex: '(^|/)registries/', message: 'registries are data over the kernel: drivers, the API and the wiring use them, never the other way round' };
const REGISTRIES_DEEP = {
  // Like the kernel: outside code sees a registry's index.ts only.
  regex: '(^|/)registries/[^/]+/(?!index\\.js$)',
  message: 'import a registry through its index.ts (e.g. src/registries/models/index.ts)',
};
const SCHEDULER = { regex: '(^|/)scheduler/', message: 'the scheduler publishes through the kernel; the API, the wiring and the hosts use it, never the other way round' };
const SCHEDULER_DEEP = { regex: '(^|/)scheduler/(?!index\\.js$)', message: 'import the scheduler through src/scheduler/index.ts' };
const PLANS = { regex: '(^|/)plans/', message: 'plans run over the kernel (and the scheduler); the API and the wiring use them, never the other way round' };
const PLANS_DEEP = { regex: '(^|/)plans/(?!index\\.js$)', message: 'import plans through src/plans/index.ts' };
const UI = { regex: '(^|/)ui/', message: 'UI applications are data over the kernel: the API and the wiring use them, never the other way round' };
const UI_DEEP = { regex: '(^|/)ui/(?!index\\.js$)', message: 'import UI applications through src/ui/index.ts' };
const METRICS = { regex: '(^|/)metrics/|^prom-client$', message: 'the kernel reports through its ProcessorObserver port' };
const OTEL = { regex: '^@opentelemetry/', message: 'only src/tracing uses OpenTelemetry; the kernel and drivers report through its Tracer port (TraceSpan)' };
const TRACING = { regex: '(^|/)tracing/', message: 'src/tracing implements the kernel\'s Tracer port; only the wiring loads it' };
const TRACING_DEEP = { regex: '(^|/)tracing/(?!index\\.js$)', message: 'import tracing through src/tracing/index.ts' };
const KERNEL_DEEP = {
  // Code outside the kernel sees its one face: src/kernel/index.ts and the sub-folders' index.ts.
  regex: '(^|/)kernel/(?!index\\.js$|(ports|processor|context)/index\\.js$)',
  message: 'import the kernel through src/kernel/index.ts (or kernel/ports, kernel/processor, kernel/context index.ts)',
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.tmp/**', '.vextir/**', 'coverage/**', '**/*.mjs', 'bin/**', 'examples/**/*.js', 'test/fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      // Ports are promise-returning interfaces; an `async` implementation that does not await turns
      // a synchronous throw into a rejection, which is what callers of a port expect.
      '@typescript-eslint/require-await': 'off',
      // Errors are caught as `unknown` and converted once (toKernelError); passing one on unchanged is fine.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true }],
    },
  },
  { files: ['eslint.config.js'], ...tseslint.configs.disableTypeChecked },
  {
    files: ['test/**'],
    rules: {
      // Test harnesses are objects of plain closures, destructured freely; none depends on `this`.
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    files: ['test/helpers/amqp-broker/**'],
    rules: {
      // AMQP values arrive decoded as unknown; the fields stringified here are strings or absent on the wire.
      '@typescript-eslint/no-base-to-string': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
    },
  },

  // The arrows: functions -> hosts -> wiring -> (api, drivers, security, metrics, adapters) -> kernel;
  // drivers, api and wiring -> registries -> kernel.
  forbid(['src/kernel/**'], [AZURE_SDK, ADAPTERS, DRIVERS, SECURITY, API, WIRING, HOSTS, METRICS, REGISTRIES, SCHEDULER, PLANS, UI, OTEL, TRACING]),
  // src/ui: the UI application format, store and pages; it imports only the kernel.
  forbid(['src/ui/**'], [AZURE_SDK, ADAPTERS, DRIVERS, SECURITY, API, WIRING, HOSTS, METRICS, REGISTRIES, KERNEL_DEEP, SCHEDULER, PLANS, OTEL, TRACING]),
  forbid(['src/scheduler/**'], [AZURE_SDK, ADAPTERS, DRIVERS, SECURITY, API, WIRING, HOSTS, METRICS, REGISTRIES, KERNEL_DEEP, PLANS, UI, OTEL, TRACING]),
  forbid(['src/plans/**'], [AZURE_SDK, ADAPTERS, DRIVERS, SECURITY, API, WIRING, HOSTS, METRICS, REGISTRIES, KERNEL_DEEP, SCHEDULER_DEEP, UI, OTEL, TRACING]),
  forbid(['src/registries/**'], [AZURE_SDK, ADAPTERS, DRIVERS, SECURITY, API, WIRING, HOSTS, METRICS, KERNEL_DEEP, UI, OTEL, TRACING]),
  forbid(['src/drivers/**'], [AZURE_SDK, ADAPTERS, SECURITY, API, WIRING, HOSTS, KERNEL_DEEP, REGISTRIES_DEEP, SCHEDULER, PLANS, UI, OTEL, TRACING]),
  forbid(['src/security/**'], [AZURE_SDK, ADAPTERS, DRIVERS, API, WIRING, HOSTS, KERNEL_DEEP, REGISTRIES, UI, OTEL, TRACING]),
  forbid(['src/api/**'], [AZURE_SDK, ADAPTERS, DRIVERS, WIRING, HOSTS, KERNEL_DEEP, REGISTRIES_DEEP, SCHEDULER_DEEP, PLANS_DEEP, UI_DEEP, OTEL, TRACING]),
  forbid(['src/metrics/**'], [AZURE_SDK, ADAPTERS, DRIVERS, SECURITY, API, WIRING, HOSTS, KERNEL_DEEP, REGISTRIES, UI, OTEL, TRACING]),
  forbid(['src/adapters/memory/**', 'src/adapters/*.ts'], [AZURE_SDK, DRIVERS, SECURITY, API, WIRING, HOSTS, KERNEL_DEEP, REGISTRIES]),
  forbid(['src/adapters/local/**'], [AZURE_SDK, DRIVERS, SECURITY, WIRING, HOSTS, KERNEL_DEEP, REGISTRIES]),
  forbid(['src/adapters/azure/**'], [LOCAL_ADAPTERS, DRIVERS, SECURITY, API, WIRING, HOSTS, KERNEL_DEEP, REGISTRIES]),
  forbid(['src/wiring/**'], [AZURE_SDK, ADAPTERS, HOSTS, KERNEL_DEEP, REGISTRIES_DEEP, SCHEDULER_DEEP, PLANS_DEEP, UI_DEEP, OTEL, TRACING_DEEP]),
  forbid(['src/hosts/azure/**', 'src/functions/**'], [LOCAL_ADAPTERS, EMBEDDED_HOST, KERNEL_DEEP, REGISTRIES_DEEP, SCHEDULER_DEEP, TRACING_DEEP]),
  forbid(['src/hosts/embedded/**'], [AZURE_SDK, { regex: '(^|/)adapters/azure/', message: 'the embedded default does not load the Azure SDKs' }, KERNEL_DEEP, REGISTRIES_DEEP, SCHEDULER_DEEP, TRACING_DEEP]),
  forbid(['src/cli/**', 'src/*.ts'], [AZURE_SDK, ADAPTERS, KERNEL_DEEP, REGISTRIES_DEEP, OTEL, TRACING]),
  // src/packs/sandbox: third-party driver code out of the host's process; it imports only the kernel (and the pack manifest).
  forbid(['src/packs/sandbox/**'], [AZURE_SDK, ADAPTERS, DRIVERS, SECURITY, API, WIRING, HOSTS, METRICS, REGISTRIES, KERNEL_DEEP, SCHEDULER, PLANS, UI, OTEL, TRACING]),
  forbid(['src/tracing/**'], [AZURE_SDK, ADAPTERS, DRIVERS, SECURITY, API, WIRING, HOSTS, KERNEL_DEEP, REGISTRIES, SCHEDULER, PLANS, METRICS, UI]),
);
