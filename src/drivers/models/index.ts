/** The built-in `models` driver and its event contract (model.request / model.response / model.error). */
export {
  MODEL_ERROR,
  MODEL_REQUEST,
  MODEL_RESPONSE,
  modelAttemptSchema,
  modelErrorCodeSchema,
  modelErrorSchema,
  modelMessageSchema,
  modelRequestSchema,
  modelResponseSchema,
  modelToolCallSchema,
  modelToolSchema,
  type ModelAttempt,
  type ModelError,
  type ModelErrorCode,
  type ModelMessage,
  type ModelRequest,
  type ModelResponse,
  type ModelTool,
  type ModelToolCall,
} from './contract.js';
export { createModelsDriver, type ModelsDriverOptions } from './models-driver.js';
