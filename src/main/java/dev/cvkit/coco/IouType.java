package dev.cvkit.coco;

/** What the IoU is computed on: boxes or segmentation masks. */
public enum IouType {
    BBOX("bbox"), SEGM("segm");

    private final String label;

    IouType(String label) { this.label = label; }

    /** pycocotools' name: "bbox" or "segm". */
    public String label() { return label; }
}
