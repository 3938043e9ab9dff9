import type { App } from "cdktf";
import { Ec2Stack } from "./stacks/ec2-stack";
import { IamStack } from "./stacks/iam-stack";
import type { AppConfig } from "./lib/config";
import { resolveTargets, type DeploymentTarget } from "./lib/targets";

/** The two stacks of one destination. */
export interface DestinationStacks {
  readonly target: DeploymentTarget;
  readonly iam: IamStack;
  readonly ec2: Ec2Stack;
}

/** Adds an IAM stack and an EC2 stack per destination to the app. */
export function buildStacks(app: App, config: AppConfig): DestinationStacks[] {
  return resolveTargets(config).map((target) => {
    const iam = new IamStack(app, target.iamStackName, { target, outdir: app.outdir });
    const ec2 = new Ec2Stack(app, target.ec2StackName, { target, outdir: app.outdir, roleArn: iam.roleArn });
    return { target, iam, ec2 };
  });
}
