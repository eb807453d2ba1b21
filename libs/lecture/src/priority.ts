// Which work goes first when a service is busy. A lecture is watched from its
// first slide (lecture.m3u8 grows from the start), so of the calls waiting for
// the same slots, the earlier slide's go first. The llm service reads a call's
// slide from the request itself; the orchestrator sends this as the priority
// of each slide's Synthesize and RenderClip calls, which name no slide.

/** Higher goes first: 0 for the first slide (and for work that is no slide's, like the outline), −n for slide n + 1. */
export const slidePriority = (slideIndex: number): number => 0 - slideIndex; // not -slideIndex, which gives slide 0 a -0
