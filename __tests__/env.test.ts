import { withEnv } from "../tools/proof/env";

describe("withEnv", () => {
  const KEY = "CDKTF_ASSUME_ROLE_ENV_TEST";

  it("sets and unsets variables for a call, then restores them", () => {
    // GIVEN one variable set, one not
    process.env[KEY] = "before";
    // WHEN
    const seen = withEnv({ [KEY]: undefined, [`${KEY}_NEW`]: "x" }, () => [process.env[KEY], process.env[`${KEY}_NEW`]]);
    // THEN
    expect(seen).toEqual([undefined, "x"]);
    expect([process.env[KEY], process.env[`${KEY}_NEW`]]).toEqual(["before", undefined]);
    delete process.env[KEY];
  });

  it("restores after a throw and after a rejected promise settles", async () => {
    expect(() =>
      withEnv({ [KEY]: "during" }, () => {
        throw new Error("boom");
      }),
    ).toThrow("boom");
    expect(process.env[KEY]).toBeUndefined();
    const pending = withEnv({ [KEY]: "during" }, () => Promise.reject(new Error("later")));
    expect(process.env[KEY]).toBe("during");
    await expect(pending).rejects.toThrow("later");
    expect(process.env[KEY]).toBeUndefined();
  });
});
