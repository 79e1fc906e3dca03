/**
 * The one question on screen at a time (apply this edit? run the test command? attach this
 * output?), answered from the keyboard. Whoever asks awaits the answer; a cancel answers "no".
 */
import { ANSWERS, type Action, type Answer, type Question } from "./state/types.js";

/** Holds the pending question's resolver. */
export class QuestionSlot {
  private pending: { question: Question; resolve: (a: Answer) => void } | undefined;

  constructor(private readonly dispatch: (a: Action) => void) {}

  /** Shows `question` and resolves with the answer (a question already pending is answered "no"). */
  ask(question: Question): Promise<Answer> {
    this.dismiss();
    return new Promise((resolve) => {
      this.pending = { question, resolve };
      this.dispatch({ type: "ui.question", question });
    });
  }

  /** A key's answer; ignored when the pending question does not take it. */
  answer(answer: Answer): void {
    const p = this.pending;
    if (p === undefined || !ANSWERS[p.question.kind].includes(answer)) return;
    this.pending = undefined;
    this.dispatch({ type: "ui.answer", answer });
    p.resolve(answer);
  }

  /** Answers "no" without a key (a cancel, the end of a turn); the screen is the caller's. */
  dismiss(): void {
    const p = this.pending;
    this.pending = undefined;
    p?.resolve("no");
  }
}
