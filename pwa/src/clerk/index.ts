/** The clerk console (role clerk), loaded on demand (a chunk of its own). */
export { InboxPage } from "./InboxPage";
export { TaskPage } from "./TaskPage";
