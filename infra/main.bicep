// Every Azure resource Vextir OS needs, wired for managed identity (no keys in settings).
// Deploy: az deployment group create -g <rg> -f infra/main.bicep -p infra/main.parameters.json
// or `azd up` (azure.yaml at the repo root).
targetScope = 'resourceGroup'

@description('Short name used to derive resource names')
@minLength(3)
@maxLength(12)
param name string = 'vextir'
param location string = resourceGroup().location
@description('Entra ID tenant whose tokens the API accepts')
param entraTenantId string = tenant().tenantId
@description('Audience (Application ID URI or client id) of the Vextir API app registration')
param entraAudience string
@description('App role (value of the roles claim) that makes a caller a Vextir admin')
param adminRole string = 'Vextir.Admin'
@description('Path (inside the deployed package) of a policy document that is the global policy set at start-up; empty: defaults, managed through the API')
param policyFile string = ''
@description('Deliveries before Service Bus and the processor give up on an event: keep the two equal')
@minValue(1)
@maxValue(100)
param maxDeliveryCount int = 10
// Model providers (the built-in `models` driver). Keys go to Key Vault and reach the app as Key
// Vault references; an empty key leaves that provider unconfigured (its models are listed as unavailable).
@secure()
@description('OpenAI API key; empty: no OpenAI models')
param openAiApiKey string = ''
@secure()
@description('Anthropic API key; empty: no Anthropic models')
param anthropicApiKey string = ''
@description('Azure OpenAI endpoint (https://<resource>.openai.azure.com); empty: no Azure OpenAI models. Without a key the app signs in with its identity, which then needs the Cognitive Services OpenAI User role on that resource')
param azureOpenAiEndpoint string = ''
@secure()
@description('Azure OpenAI key; empty: Entra ID (the app identity)')
param azureOpenAiApiKey string = ''
@description('Built-in models deployed on Azure OpenAI: <model id>=<deployment>, comma-separated (each becomes model azure-<id>)')
param azureOpenAiDeployments string = ''
// Email out (the built-in `smtp` driver): an empty host leaves email.send unconfigured. The
// secrets webhook channels and mailboxes name in the project file (`*_SECRET`, `*_PASSWORD`) are
// the deployer's to add as app settings (Key Vault references), as their names are the project's.
@description('SMTP server for email.send; empty: email.send answers not_configured')
param smtpHost string = ''
param smtpPort int = 587
@allowed([ 'starttls', 'implicit', 'none' ])
param smtpTls string = 'starttls'
param smtpUser string = ''
@secure()
@description('SMTP password; stored in Key Vault')
param smtpPassword string = ''
@description('The From address of every mail sent, e.g. "Vextir <noreply@example.com>"')
param smtpFrom string = ''
param maximumInstanceCount int = 100
param instanceMemoryMB int = 2048

var suffix = uniqueString(resourceGroup().id, name)
var queueName = 'events'
var databaseName = 'vextir'
// Data-plane roles, and only these (built-in role definition ids).
var roles = {
  serviceBusDataSender: '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39'
  serviceBusDataReceiver: '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0'
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
  cosmosDataContributor: '00000000-0000-0000-0000-000000000002'
}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-${name}-${suffix}'
  location: location
}

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: 'log-${name}-${suffix}'
  location: location
  properties: { sku: { name: 'PerGB2018' }, retentionInDays: 30 }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: 'appi-${name}-${suffix}'
  location: location
  kind: 'web'
  properties: { Application_Type: 'web', WorkspaceResourceId: logs.id, DisableLocalAuth: true }
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: take('st${name}${suffix}', 24)
  location: location
  sku: { name: 'Standard_LRS' }
  kind: 'StorageV2'
  properties: { minimumTlsVersion: 'TLS1_2', allowBlobPublicAccess: false, allowSharedKeyAccess: false }
}

resource blobs 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobs
  name: 'app-package'
}

// Standard tier: duplicate detection (messageId = delivery key of the event) needs it.
resource serviceBus 'Microsoft.ServiceBus/namespaces@2022-10-01-preview' = {
  name: 'sb-${name}-${suffix}'
  location: location
  sku: { name: 'Standard', tier: 'Standard' }
  properties: { disableLocalAuth: true, minimumTlsVersion: '1.2' }
}

resource queue 'Microsoft.ServiceBus/namespaces/queues@2022-10-01-preview' = {
  parent: serviceBus
  name: queueName
  properties: {
    requiresDuplicateDetection: true
    duplicateDetectionHistoryTimeWindow: 'P1D'
    maxDeliveryCount: maxDeliveryCount
    lockDuration: 'PT5M'
    deadLetteringOnMessageExpiration: true
    defaultMessageTimeToLive: 'P14D'
    enableBatchedOperations: true
  }
}

resource cosmos 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {
  name: 'cosmos-${name}-${suffix}'
  location: location
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    capabilities: [ { name: 'EnableServerless' } ]
    consistencyPolicy: { defaultConsistencyLevel: 'Session' }
    locations: [ { locationName: location, failoverPriority: 0 } ]
    disableLocalAuth: true
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2024-05-15' = {
  parent: cosmos
  name: databaseName
  properties: { resource: { id: databaseName } }
}

// Containers, all partitioned by user: every query the API makes is scoped to one user.
// `events`: one processing record per (user, event id). `audit`: append-only decisions.
// `state`: policies, grants, approvals, usage counters (partition `_global` for system-wide items);
// usage counters of past windows carry a per-item `ttl`, which needs the defaultTtl below.
// `context`: the context hub, one item per entry and per kept version; its queries ORDER BY one
// property at a time, so the default range index serves them (no composite indexes).
// Indexing as in src/adapters/azure/cosmos-database.ts (which applies it to containers it
// creates itself): nothing that is only ever read back whole is indexed, so writes cost fewer RUs.
var containerDefinitions = [
  { name: 'events', excluded: [ '/event/*', '/drivers/*', '/children/*', '/decision/*', '/error/*' ] }
  { name: 'audit', excluded: [ '/decision/*', '/drivers/*', '/emitted/*', '/error/*' ] }
  { name: 'state', excluded: [ '/value/*' ] }
  { name: 'context', excluded: [ '/content/*' ] }
]

resource containers 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-05-15' = [
  for container in containerDefinitions: {
    parent: database
    name: container.name
    properties: {
      resource: {
        id: container.name
        partitionKey: { paths: [ '/userId' ], kind: 'Hash' }
        defaultTtl: -1 // TTL on, per-document opt-in (documents without `ttl` never expire)
        indexingPolicy: {
          indexingMode: 'consistent'
          includedPaths: [ { path: '/*' } ]
          excludedPaths: concat([ { path: '/"_etag"/?' } ], map(container.excluded, path => { path: path }))
        }
      }
    }
  }
]

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: take('kv-${name}-${suffix}', 24)
  location: location
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    enablePurgeProtection: true
  }
}

// One secret per configured provider key; the app settings below refer to them by name.
resource openAiKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(openAiApiKey)) {
  parent: vault
  name: 'openai-api-key'
  properties: { value: openAiApiKey }
}

resource anthropicKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(anthropicApiKey)) {
  parent: vault
  name: 'anthropic-api-key'
  properties: { value: anthropicApiKey }
}

resource azureOpenAiKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(azureOpenAiApiKey)) {
  parent: vault
  name: 'azure-openai-api-key'
  properties: { value: azureOpenAiApiKey }
}

resource smtpPasswordSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(smtpPassword)) {
  parent: vault
  name: 'smtp-password'
  properties: { value: smtpPassword }
}

func keyVaultReference(vaultName string, secretName string) string => '@Microsoft.KeyVault(VaultName=${vaultName};SecretName=${secretName})'

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: 'plan-${name}-${suffix}'
  location: location
  kind: 'functionapp'
  sku: { name: 'FC1', tier: 'FlexConsumption' }
  properties: { reserved: true }
}

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: 'func-${name}-${suffix}'
  location: location
  kind: 'functionapp,linux'
  tags: { 'azd-service-name': 'api' }
  identity: { type: 'UserAssigned', userAssignedIdentities: { '${identity.id}': {} } }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // Key Vault references (the model keys) resolve with the user-assigned identity.
    keyVaultReferenceIdentity: identity.id
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainer.name}'
          authentication: { type: 'UserAssignedIdentity', userAssignedIdentityResourceId: identity.id }
        }
      }
      scaleAndConcurrency: { maximumInstanceCount: maximumInstanceCount, instanceMemoryMB: instanceMemoryMB }
      // Node 22 (Node 20 reached its end of life in April 2026). .ci/run tests on this major too,
      // and package.json's engines allows it: test/infra/settings.test.ts keeps the three in step.
      runtime: { name: 'node', version: '22' }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      appSettings: [
        { name: 'AzureWebJobsStorage__accountName', value: storage.name }
        { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
        { name: 'AzureWebJobsStorage__clientId', value: identity.properties.clientId }
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: insights.properties.ConnectionString }
        { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'ClientId=${identity.properties.clientId};Authorization=AAD' }
        { name: 'OTEL_SERVICE_NAME', value: 'vextir-os' }
        { name: 'OTEL_SDK_DISABLED', value: 'false' }
        { name: 'AZURE_CLIENT_ID', value: identity.properties.clientId }
        { name: 'VEXTIR_MODE', value: 'azure' }
        { name: 'VEXTIR_CONFIG', value: 'vextir.config.yaml' }
        { name: 'LOG_LEVEL', value: 'info' }
        { name: 'ServiceBusConnection__fullyQualifiedNamespace', value: '${serviceBus.name}.servicebus.windows.net' }
        { name: 'ServiceBusConnection__credential', value: 'managedidentity' }
        { name: 'ServiceBusConnection__clientId', value: identity.properties.clientId }
        { name: 'SERVICEBUS_QUEUE', value: queue.name }
        { name: 'COSMOS_ENDPOINT', value: cosmos.properties.documentEndpoint }
        { name: 'COSMOS_DATABASE', value: database.name }
        { name: 'ENTRA_TENANT_ID', value: entraTenantId }
        { name: 'ENTRA_AUDIENCE', value: entraAudience }
        { name: 'VEXTIR_ADMIN_ROLE', value: adminRole }
        // 'true' only together with App Service authentication (an authsettingsV2 resource, not
        // provisioned here): without it the X-MS-CLIENT-PRINCIPAL header is whatever the client sent.
        { name: 'VEXTIR_TRUST_APP_SERVICE_AUTH', value: 'false' }
        // Skill packs: installed from this registry; their files extracted under App Service's writable
        // /home (re-extracted from the lock in the store, integrity checked, wherever they are missing).
        { name: 'VEXTIR_PACK_REGISTRY', value: 'https://registry.npmjs.org/' }
        { name: 'VEXTIR_PACKS_DIR', value: '/home/data/vextir-packs' }
        // Empty: packs' declared hosts are fetched where DNS says (internal addresses refused);
        // `host=address[:port],...` pins them to a mirror or proxy of the operator's.
        { name: 'VEXTIR_PACK_HOST_MAP', value: '' }
        // Empty: the default policies are installed once and then managed through the API.
        { name: 'VEXTIR_POLICY_FILE', value: policyFile }
        { name: 'VEXTIR_POLICY_CACHE_MS', value: '2000' }
        { name: 'VEXTIR_AGENT_CACHE_MS', value: '2000' }
        // The timer function fires schedule slots (every 30 s, publishing a minute ahead); instances tick nothing themselves.
        { name: 'VEXTIR_SCHEDULER_TICK_MS', value: '0' }
        { name: 'VEXTIR_MAX_SCHEDULES', value: '1000' }
        { name: 'VEXTIR_MAX_DELIVERY_COUNT', value: string(maxDeliveryCount) }
        { name: 'VEXTIR_MAX_DEPTH', value: '64' }
        { name: 'VEXTIR_RETRY_BASE_MS', value: '1000' }
        { name: 'VEXTIR_RETRY_MAX_MS', value: '300000' }
        { name: 'VEXTIR_MAX_BODY_BYTES', value: '262144' }
        { name: 'VEXTIR_MAX_BATCH', value: '100' }
        { name: 'VEXTIR_MAX_DELAYED_EVENTS', value: '10000' }
        { name: 'VEXTIR_CONTEXT_MAX_DOC_BYTES', value: '1048576' }
        { name: 'VEXTIR_CONTEXT_VERSIONS', value: '10' }
        // Model providers: '' means not configured (a missing Key Vault secret would otherwise
        // leave the reference text itself in the setting, which would look like a key).
        { name: 'OPENAI_API_KEY', value: empty(openAiApiKey) ? '' : keyVaultReference(vault.name, 'openai-api-key') }
        { name: 'OPENAI_BASE_URL', value: '' }
        { name: 'ANTHROPIC_API_KEY', value: empty(anthropicApiKey) ? '' : keyVaultReference(vault.name, 'anthropic-api-key') }
        { name: 'ANTHROPIC_BASE_URL', value: '' }
        { name: 'AZURE_OPENAI_ENDPOINT', value: azureOpenAiEndpoint }
        { name: 'AZURE_OPENAI_API_KEY', value: empty(azureOpenAiApiKey) ? '' : keyVaultReference(vault.name, 'azure-openai-api-key') }
        { name: 'AZURE_OPENAI_DEPLOYMENTS', value: azureOpenAiDeployments }
        { name: 'VEXTIR_MODEL_TIMEOUT_MS', value: '60000' }
        { name: 'SMTP_HOST', value: smtpHost }
        { name: 'SMTP_PORT', value: string(smtpPort) }
        { name: 'SMTP_TLS', value: smtpTls }
        { name: 'SMTP_USER', value: smtpUser }
        { name: 'SMTP_PASSWORD', value: empty(smtpPassword) ? '' : keyVaultReference(vault.name, 'smtp-password') }
        { name: 'SMTP_FROM', value: smtpFrom }
        { name: 'SMTP_CA_FILE', value: '' }
      ]
    }
  }
}

func roleAssignmentName(scopeId string, role string) string => guid(scopeId, role, 'vextir')

resource queueSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: queue
  name: roleAssignmentName(queue.id, roles.serviceBusDataSender)
  properties: { roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.serviceBusDataSender), principalId: identity.properties.principalId, principalType: 'ServicePrincipal' }
}

resource queueReceiver 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: queue
  name: roleAssignmentName(queue.id, roles.serviceBusDataReceiver)
  properties: { roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.serviceBusDataReceiver), principalId: identity.properties.principalId, principalType: 'ServicePrincipal' }
}

resource storageOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: storage
  name: roleAssignmentName(storage.id, roles.storageBlobDataOwner)
  properties: { roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataOwner), principalId: identity.properties.principalId, principalType: 'ServicePrincipal' }
}

resource vaultReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: vault
  name: roleAssignmentName(vault.id, roles.keyVaultSecretsUser)
  properties: { roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser), principalId: identity.properties.principalId, principalType: 'ServicePrincipal' }
}

resource telemetryPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: insights
  name: roleAssignmentName(insights.id, roles.monitoringMetricsPublisher)
  properties: { roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher), principalId: identity.properties.principalId, principalType: 'ServicePrincipal' }
}

// Cosmos DB data-plane RBAC is its own system (sqlRoleAssignments), not Microsoft.Authorization.
resource cosmosContributor 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-05-15' = {
  parent: cosmos
  name: guid(cosmos.id, identity.id, roles.cosmosDataContributor)
  properties: {
    roleDefinitionId: '${cosmos.id}/sqlRoleDefinitions/${roles.cosmosDataContributor}'
    principalId: identity.properties.principalId
    scope: cosmos.id
  }
}

output functionAppName string = app.name
output apiUrl string = 'https://${app.properties.defaultHostName}/api'
output serviceBusNamespace string = '${serviceBus.name}.servicebus.windows.net'
output cosmosEndpoint string = cosmos.properties.documentEndpoint
output keyVaultUri string = vault.properties.vaultUri
