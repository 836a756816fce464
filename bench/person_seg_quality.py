"""Scores person masks (bench/person_seg_quality.sh writes them): per hand-checked person box the
share of its pixels with alpha >= 0.5 (a perfectly segmented person fills about 50-70 % of its
box), the share marked outside the boxes, and the share marked in photos without people."""
import struct
import sys
import zlib

import numpy as np


def png_grey(path):
    """An 8-bit greyscale PNG (what cvkit segment --alpha writes) as an int array."""
    b = open(path,'rb').read(); assert b[:8]==b'\x89PNG\r\n\x1a\n'
    i=8; idat=b''; w=h=0
    while i < len(b):
        n=struct.unpack('>I',b[i:i+4])[0]; t=b[i+4:i+8]; d=b[i+8:i+8+n]; i+=12+n
        if t==b'IHDR': w,h,bd,ct=struct.unpack('>IIBB',d[:10]); assert bd==8 and ct==0, (bd,ct)
        elif t==b'IDAT': idat+=d
    raw=zlib.decompress(idat); out=np.zeros((h,w),np.int32); prev=np.zeros(w,np.int32); p=0
    for y in range(h):
        f=raw[p]; line=np.frombuffer(raw[p+1:p+1+w],np.uint8).astype(np.int32); p+=1+w
        if f==0: cur=line
        elif f==1:
            cur=line.copy()
            for x in range(1,w): cur[x]=(cur[x]+cur[x-1])&255
        elif f==2: cur=(line+prev)&255
        elif f==3:
            cur=line.copy()
            for x in range(w): cur[x]=(cur[x]+((cur[x-1] if x else 0)+prev[x])//2)&255
        elif f==4:
            cur=line.copy()
            for x in range(w):
                a=cur[x-1] if x else 0; bb=prev[x]; c=prev[x-1] if x else 0
                pa=abs(bb-c); pb=abs(a-c); pc=abs(a+bb-2*c)
                pr=a if pa<=pb and pa<=pc else (bb if pb<=pc else c)
                cur[x]=(cur[x]+pr)&255
        out[y]=cur; prev=cur
    return out
people = {  # hand-checked person boxes x, y, w, h (small: box height < 100 px)
 'person': [(191,101,83,273)], 'astronaut': [(18,14,350,498)], 'messi5': [(61,67,396,269)],
 'basketball1': [(32,79,118,396),(426,14,212,466)],
 'vtest_100': [(345,197,38,77),(589,158,32,78),(493,149,26,72),(376,181,37,75),(512,151,30,68),(223,62,15,32)],
 'vtest_500': [(613,274,30,96),(307,188,28,76),(562,249,44,143)],
}
no_fp = {'messi5'}  # the crowd behind is people too: no false-positive count there
none = ['chelsea','coffee','dog','eagle','horses','squirrel_cls','baboon','butterfly','leuvenA','building','home','licenseplate_motion','aero1','fruits','orange','apple']
work = sys.argv[1]
for model in sys.argv[2:]:
    d = f'{work}/{model}/'
    cov_small=[];cov_large=[];fp_people=[]
    for name,boxes in people.items():
        a=png_grey(d+name+'.png')>=128
        inside=np.zeros_like(a)
        for (x,y,w,h) in boxes:
            c=a[y:y+h,x:x+w].mean(); (cov_small if h<100 else cov_large).append(c); inside[y:y+h,x:x+w]=True
        if name not in no_fp: fp_people.append(a[~inside].mean())
    fps={n:png_grey(d+n+'.png').__ge__(128).mean() for n in none}
    print(f"{model}: person-box coverage large {np.mean(cov_large):.3f} (n={len(cov_large)}), small {np.mean(cov_small):.3f} (n={len(cov_small)}), "
          f"marked outside boxes {np.mean(fp_people):.4f}; photos without people: mean marked {np.mean(list(fps.values())):.3f}, "
          f"max {max(fps.values()):.3f}, photos >5% marked {sum(v>0.05 for v in fps.values())}/{len(fps)}")
    print('   ', ' '.join(f"{k}={v:.3f}" for k,v in fps.items()))
    print('   ', 'large', [round(float(c), 3) for c in cov_large], 'small', [round(float(c), 3) for c in cov_small])
