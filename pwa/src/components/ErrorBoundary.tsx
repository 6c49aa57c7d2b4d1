import { Component, type ComponentChildren } from "preact";
import { I18nContext, type I18n } from "../i18n/context";

interface Props {
  children: ComponentChildren;
}

interface State {
  failed: boolean;
}

/**
 * Keeps one broken widget from taking the page down: if anything below throws while
 * rendering, that part is replaced by a short message and the rest of the page stays usable.
 */
export class ErrorBoundary extends Component<Props, State> {
  static override contextType = I18nContext;
  declare context: I18n;

  override state: State = { failed: false };

  static override getDerivedStateFromError(): Partial<State> {
    return { failed: true };
  }

  override componentDidCatch(error: unknown): void {
    console.error("widget failed", error);
  }

  override render() {
    if (this.state.failed) {
      return (
        <p class="notice" role="status">
          {this.context.t.widgetError}
        </p>
      );
    }
    return this.props.children;
  }
}
