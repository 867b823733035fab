"""Writes src/lamina/applications/imagenet_class_index.json offline: the 1000 ImageNet-1k
classes in Keras's layout (``{"0": ["n01440764", "tench"], ...}``, the first WordNet lemma
of each synset with spaces as underscores), checked against the MD5 of the file Keras
downloads (``imagenet_utils.CLASS_INDEX_HASH``).

The synset order and lemmas come from the timm wheel's data files (Apache-2.0):

    unzip -q timm-*.whl 'timm/data/_info/*' -d /tmp/timm
    python tools/make_imagenet_class_index.py /tmp/timm/timm/data/_info
"""

import hashlib
import json
import os
import sys

EXPECTED_MD5 = "c2c37ea517e94d9795004a39431a14cb"
TARGET = os.path.join(
    os.path.dirname(__file__), "..", "src", "lamina", "applications", "imagenet_class_index.json"
)


def class_index(info_dir: str) -> dict:
    with open(os.path.join(info_dir, "imagenet_synsets.txt"), encoding="utf-8") as file:
        wnids = [line.strip() for line in file if line.strip()]
    lemmas = {}
    with open(os.path.join(info_dir, "imagenet_synset_to_lemma.txt"), encoding="utf-8") as file:
        for line in file:
            wnid, words = line.rstrip("\n").split("\t", 1)
            lemmas[wnid] = words.split(",")[0].strip().replace(" ", "_")
    return {str(i): [wnid, lemmas[wnid]] for i, wnid in enumerate(wnids)}


def main(info_dir: str) -> None:
    text = json.dumps(class_index(info_dir))
    digest = hashlib.md5(text.encode()).hexdigest()
    if digest != EXPECTED_MD5:
        sys.exit(f"MD5 {digest} differs from Keras's file ({EXPECTED_MD5}): nothing written")
    with open(TARGET, "w", encoding="utf-8") as file:
        file.write(text)
    print(f"wrote {os.path.normpath(TARGET)} (MD5 {digest}, as Keras's)")


if __name__ == "__main__":
    main(sys.argv[1])
