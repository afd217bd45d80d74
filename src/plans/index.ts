/** Instructions compiled into durable DAG plans, run over the event bus. */
export { PlanSystem, type PlanSystemDeps, type PlanListQuery } from './system.js';
export type { PlanTools } from './step-runtime.js';
export { compileInstruction, type PlanProblem } from './compile.js';
export { instructionSchema, type Instruction, type InstructionInput } from './instruction.js';
export { RUN_INSTRUCTION, scheduleIdOf, type InstructionSummary, type InstructionSchedules } from './instruction-store.js';
export { planStatusSchema, type Plan, type PlanStatus } from './plan-state.js';
export { PLANS_DRIVER, planIdFor } from './ids.js';
export type { NodeView } from './views.js';
export { readInstructionDocument } from './document.js';
