import { Testing } from "cdktf";
// Brings the matchers' type declarations (toHaveResourceWithProperties...) into the program.
import "cdktf/lib/testing/adapters/jest";

Testing.setupJest();
