/**
 * The GPUs `--gpu-model` names, and the two figures a write-path bound needs: peak DRAM bandwidth
 * and the host link's bandwidth per direction. Every figure is a published one, with its source;
 * none is measured here. A bound from them is a model ("bound (model)"), never a measurement.
 *
 * Host links: NVIDIA's datasheets give PCIe bandwidth for both directions together (Gen5 x16
 * "128 GB/s", Gen4 x16 "64 GB/s"). A write path moves data one way, so the bound uses one
 * direction at the line rate after encoding (PCI-SIG base specifications: 32 GT/s per lane for
 * 5.0 and 16 GT/s for 4.0, 128b/130b encoding): Gen5 x16 = 32e9 x 16 x 128/130 / 8 = 63.0 GB/s,
 * Gen4 x16 = 31.5 GB/s. Packet headers take a further ~10-15% in practice: the bound is an upper one.
 */

export interface GpuModel {
  /** what --gpu-model takes */
  id: string;
  name: string;
  memory: string;
  /** peak DRAM bandwidth, bytes/s */
  dramBytesPerSec: number;
  dramSource: string;
  hostLink: string;
  /** one direction, bytes/s */
  hostLinkBytesPerSec: number;
  hostLinkSource: string;
}

const GEN5_X16 = (32e9 * 16 * 128) / 130 / 8;
const GEN4_X16 = (16e9 * 16 * 128) / 130 / 8;
const GEN5_SOURCE = 'PCI-SIG PCI Express Base Specification 5.0 (32 GT/s per lane, 128b/130b): one direction of x16; NVIDIA lists "PCIe Gen5: 128 GB/s" for both directions';
const GEN4_SOURCE = 'PCI-SIG PCI Express Base Specification 4.0 (16 GT/s per lane, 128b/130b): one direction of x16; NVIDIA lists "PCIe Gen4: 64 GB/s" for both directions';

export const GPU_MODELS: readonly GpuModel[] = [
  {
    id: 'h100-sxm',
    name: 'NVIDIA H100 SXM5 80GB',
    memory: 'HBM3',
    dramBytesPerSec: 3.35e12,
    dramSource: 'NVIDIA H100 Tensor Core GPU datasheet (nvidia.com/h100): H100 SXM GPU memory bandwidth 3.35 TB/s',
    hostLink: 'PCIe Gen5 x16',
    hostLinkBytesPerSec: GEN5_X16,
    hostLinkSource: GEN5_SOURCE,
  },
  {
    id: 'h100-pcie',
    name: 'NVIDIA H100 PCIe 80GB',
    memory: 'HBM2e',
    dramBytesPerSec: 2.0e12,
    dramSource: 'NVIDIA H100 PCIe GPU product brief PB-11133-001 (Nov 2022): memory bandwidth 2,000 GB/s',
    hostLink: 'PCIe Gen5 x16',
    hostLinkBytesPerSec: GEN5_X16,
    hostLinkSource: GEN5_SOURCE,
  },
  {
    id: 'h200',
    name: 'NVIDIA H200 SXM 141GB',
    memory: 'HBM3e',
    dramBytesPerSec: 4.8e12,
    dramSource: 'NVIDIA H200 Tensor Core GPU datasheet (nvidia.com/h200): GPU memory bandwidth 4.8 TB/s',
    hostLink: 'PCIe Gen5 x16',
    hostLinkBytesPerSec: GEN5_X16,
    hostLinkSource: GEN5_SOURCE,
  },
  {
    id: 'a100-80gb',
    name: 'NVIDIA A100 80GB SXM4',
    memory: 'HBM2e',
    dramBytesPerSec: 2.039e12,
    dramSource: 'NVIDIA A100 Tensor Core GPU datasheet (nvidia-a100-datasheet-us-nvidia-1758950-r4-web.pdf): A100 80GB SXM GPU memory bandwidth 2,039 GB/s',
    hostLink: 'PCIe Gen4 x16',
    hostLinkBytesPerSec: GEN4_X16,
    hostLinkSource: GEN4_SOURCE,
  },
  {
    id: 'l4',
    name: 'NVIDIA L4 24GB',
    memory: 'GDDR6',
    dramBytesPerSec: 300e9,
    dramSource: 'NVIDIA L4 Tensor Core GPU datasheet (nvidia.com/l4): GPU memory bandwidth 300 GB/s',
    hostLink: 'PCIe Gen4 x16',
    hostLinkBytesPerSec: GEN4_X16,
    hostLinkSource: GEN4_SOURCE,
  },
];

export const GPU_MODEL_IDS = GPU_MODELS.map((m) => m.id);

export function gpuModel(id: string): GpuModel | undefined {
  return GPU_MODELS.find((m) => m.id === id);
}
