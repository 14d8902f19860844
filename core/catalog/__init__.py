"""The county reference catalog (参考目录): its list structure, reading, editing and publication."""
