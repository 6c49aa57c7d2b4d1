/** Agent mode (role agent), the service hall's screen: loaded on demand (a chunk of its own), so a
 * resident's phone never downloads it. */
export { AgentPage } from "./AgentPage";
