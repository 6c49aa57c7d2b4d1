/** The resident's journey after the home screen, loaded on demand (a chunk of its own). */
export { BundleIntro } from "./Intro";
export { FormPage } from "./FormPage";
export { ReviewPage } from "./Review";
export { MaterialsPage } from "./Materials";
