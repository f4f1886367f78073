import { z } from "zod";
import { type ToolMetadata, type InferSchema } from "xmcp";

// The same one-field tool as the generated server's `echo`, written like the template's example tool.
export const schema = {
  text: z.string().describe("The text to send back"),
};

export const metadata: ToolMetadata = {
  name: "echo",
  description: "Returns the text it is given.",
};

export default function echo({ text }: InferSchema<typeof schema>) {
  return text;
}
