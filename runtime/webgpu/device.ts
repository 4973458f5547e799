/// <reference types="@webgpu/types" />
// Getting a WebGPU device. In a browser, `navigator.gpu`; in Node, Dawn through the npm package
// `webgpu` (dawn.node), which finds a Vulkan driver: a GPU's, or SwiftShader (a Vulkan
// implementation on the CPU, shipped with Debian's `chromium` package) where there is none.
// Both paths end in the same `requestAdapter` / `requestDevice`.
//
// Two things about Dawn in Node that cost a day to find out:
//  - the `GPU` object that `create()` returns must stay referenced while its devices are used:
//    once it is garbage-collected, Dawn's instance goes and the driver's threads crash on freed
//    mutexes ("The futex facility returned an unexpected error code"). It is kept in `gpus`.
//  - the Vulkan loader reads VK_ICD_FILENAMES when the instance is created; when it is unset and
//    SwiftShader's manifest is where Debian's chromium puts it, we point the loader at it.

// Node's modules are imported inside the Dawn path only, so that this file bundles for a browser.

export const SWIFTSHADER_ICD = "/usr/lib/chromium/vk_swiftshader_icd.json";

export class NoGpuError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NoGpuError";
  }
}

export interface GpuHandle {
  readonly device: GPUDevice;
  readonly adapterName: string;
  /** "browser" or "dawn". */
  readonly via: "browser" | "dawn";
}

const NO_ADAPTER_HELP = [
  "no WebGPU adapter was found.",
  "  - on Linux without a GPU, install a software Vulkan driver: `apt-get install libvulkan1 chromium`",
  `    (SwiftShader; Lip points VK_ICD_FILENAMES at ${SWIFTSHADER_ICD} when it exists)`,
  "  - with a GPU, install its Vulkan driver (and `libvulkan1`)",
  "  - or run on the reference interpreter: `--backend reference`",
].join("\n");

/** Objects that must outlive the devices made from them (see the file header). */
const gpus: unknown[] = [];
let cached: Promise<GpuHandle> | null = null;

/** The shared device of this process (made once). Throws NoGpuError with what to install. */
export function getDevice(): Promise<GpuHandle> {
  cached ??= acquire();
  cached.catch(() => (cached = null));
  return cached;
}

async function acquire(): Promise<GpuHandle> {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (nav?.gpu) return fromGpu(nav.gpu, "browser");
  const gpu = await dawnGpu();
  return fromGpu(gpu, "dawn");
}

async function dawnGpu(): Promise<GPU> {
  const { existsSync, mkdirSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  if (process.env.VK_ICD_FILENAMES === undefined && existsSync(SWIFTSHADER_ICD)) process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  if (process.env.XDG_RUNTIME_DIR === undefined) {
    // the Vulkan loader complains on stderr without one
    const dir = join(tmpdir(), `lip-xdg-${process.getuid?.() ?? 0}`);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    process.env.XDG_RUNTIME_DIR = dir;
  }
  let mod: { create: (flags: string[]) => GPU; globals: Record<string, unknown> };
  try {
    mod = (await import("webgpu")) as never;
  } catch (e) {
    throw new NoGpuError(`the npm package \`webgpu\` (Dawn for Node) could not be loaded: ${(e as Error).message}\n${NO_ADAPTER_HELP}`);
  }
  // GPUBufferUsage, GPUMapMode, ... as globals, as in a browser
  for (const [k, v] of Object.entries(mod.globals)) if (!(k in globalThis)) (globalThis as Record<string, unknown>)[k] = v;
  const gpu = mod.create([]);
  gpus.push(gpu);
  return gpu;
}

/** A device from a `GPU` object (navigator.gpu or Dawn's); NoGpuError when it has no adapter. */
export async function fromGpu(gpu: GPU, via: "browser" | "dawn"): Promise<GpuHandle> {
  const adapter = await gpu.requestAdapter();
  if (!adapter) throw new NoGpuError(NO_ADAPTER_HELP);
  gpus.push(adapter);
  const device = await adapter.requestDevice();
  device.addEventListener?.("uncapturederror", (ev) => {
    console.error(`WebGPU error: ${(ev as GPUUncapturedErrorEvent).error.message}`);
  });
  const info = adapter.info as GPUAdapterInfo | undefined;
  const adapterName = [info?.vendor, info?.architecture, info?.device, info?.description].filter((s) => s).join(" ") || "unknown adapter";
  return { device, adapterName, via };
}

/** Whether a WebGPU adapter can be had here (for tests that skip without one). */
export async function gpuAvailable(): Promise<boolean> {
  try {
    await getDevice();
    return true;
  } catch (e) {
    if (e instanceof NoGpuError) return false;
    throw e;
  }
}
