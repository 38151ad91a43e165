export { type AppliedChange, type ApplyMemoryPlanContext, applyMemoryPlan } from './apply.js'
export { extractStatements, LEXICAL_EXTRACTOR_ID, lexicalExtractor } from './lexical-extractor.js'
export {
  type MemoryLearningOptions,
  type MemoryLearningPlan,
  type MemoryLearningReader,
  type PlannedChange,
  planMemoryChanges,
} from './plan.js'
export {
  CandidateFact,
  type ConversationMessage,
  type DecisionInput,
  type DecisionResult,
  type ExtractedFact,
  type LearningCallOptions,
  MEMORY_OPERATIONS,
  type MemoryCandidate,
  type MemoryDecider,
  type MemoryDecision,
  type MemoryExtractor,
  type MemoryOperation,
} from './ports.js'
export { RULE_DECIDER_ID, type RuleDeciderOptions, ruleDecider } from './rule-decider.js'
